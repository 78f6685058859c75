import { getField, hasField, removeField, setField, type JsonObject, type PerItemRun } from '../../sdk/index.ts';
import type { Params } from './definition.ts';

export const run: PerItemRun<Params> = ({ params, item }) => {
  const source = structuredClone(item.json);
  const json: JsonObject = params.keepOnlySet ? {} : source;
  for (const operation of params.operations) {
    switch (operation.op) {
      case 'set':
        setField(json, operation.field, structuredClone(operation.value));
        break;
      case 'rename': {
        // With keepOnlySet, a field set by an earlier operation is moved; any other comes from the input.
        const inOutput = hasField(json, operation.from);
        if (!inOutput && !hasField(source, operation.from)) break;
        const value = inOutput ? removeField(json, operation.from) : getField(source, operation.from);
        setField(json, operation.to, value);
        break;
      }
      case 'remove':
        removeField(json, operation.field);
        break;
    }
  }
  return { main: [{ json }] };
};

import { getField, nodeMessages, type AllItemsRun } from '../../sdk/index.ts';
import type { Params } from './definition.ts';
import { words } from './words.en.ts';

const say = nodeMessages('trigger.subflow', words.messages);

/** Passes on the items it was called with, after checking they hold the fields it expects. */
export const run: AllItemsRun<Params> = ({ params, items }) => {
  items.forEach((item, index) => {
    const missing = params.inputs.filter((field) => getField(item.json, field) === undefined);
    if (missing.length > 0) throw say.fail('missing', { item: index + 1, fields: missing.join(', ') });
  });
  return { main: items };
};

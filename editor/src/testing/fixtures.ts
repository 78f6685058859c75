/** Node types as the server describes them, for component and store tests (the real catalogue, via the same conversion). */
import { definitions } from '@junction/nodes';
import { z } from 'zod';
import type { NodeTypeMap } from '../api/queries.ts';
import type { NodeTypeInfo } from '../api/types.ts';

export const nodeTypes: NodeTypeInfo[] = definitions.map(({ params, run: _run, mode: _mode, ...rest }: typeof definitions[number] & { run?: unknown }) => ({
  ...rest,
  inputs: [...rest.inputs],
  outputs: [...rest.outputs],
  params: z.toJSONSchema(params, { io: 'input', unrepresentable: 'any' }) as NodeTypeInfo['params'],
}));

export const catalogue: NodeTypeMap = new Map(nodeTypes.map((t) => [t.type, t]));

export const typeInfo = (type: string) => catalogue.get(type)!;

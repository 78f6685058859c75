/** Node types exactly as the server describes them at GET /api/node-types, for component and store tests. */
import { definitions } from '@junction/nodes';
import { describeNodeType } from '../../../server/src/api/node-types.ts';
import type { NodeTypeMap } from '../api/queries.ts';
import type { NodeTypeInfo } from '../api/types.ts';

export const nodeTypes: NodeTypeInfo[] = definitions.map(describeNodeType);

export const catalogue: NodeTypeMap = new Map(nodeTypes.map((t) => [t.type, t]));

export const typeInfo = (type: string) => catalogue.get(type)!;

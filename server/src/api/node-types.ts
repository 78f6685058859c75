import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { definitions, NodeTypeList, type JsonSchema, type NodeDefinition, type NodeType } from '@junction/nodes';
import { validationHook } from './request.ts';

/** A node type as the editor sees it: everything but `run`, params as JSON Schema. */
export function describeNodeType(definition: NodeDefinition): NodeType {
  const { params, credentials, ...rest } = definition;
  return {
    ...rest,
    inputs: [...rest.inputs],
    outputs: [...rest.outputs],
    literalParams: rest.literalParams ? [...rest.literalParams] : undefined,
    ...(credentials ? { credentials: credentials.map((slot) => ({ param: slot.param, types: [...slot.types] })) } : {}),
    params: z.toJSONSchema(params, { io: 'input', unrepresentable: 'any' }) as JsonSchema };
}

const described = definitions.map(describeNodeType);

export function nodeTypeRoutes() {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      summary: 'The catalogue of node types, with their params as JSON Schema',
      responses: { 200: { description: 'Every node type', content: { 'application/json': { schema: NodeTypeList } } } },
    }),
    (c) => c.json({ nodeTypes: described }, 200),
  );
  return app;
}

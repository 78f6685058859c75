import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { definitions, type NodeDefinition } from '@junction/nodes';
import { validationHook } from './request.ts';

const NodeType = z
  .object({
    type: z.string(),
    version: z.number(),
    label: z.string(),
    description: z.string(),
    icon: z.string(),
    category: z.string(),
    inputs: z.array(z.string()),
    outputs: z.array(z.string()),
    sideEffects: z.boolean(),
    retry: z.object({ maxAttempts: z.number(), backoffMs: z.number(), maxBackoffMs: z.number() }),
    trigger: z.object({ kind: z.string() }).optional(),
    literalParams: z.array(z.string()).optional().openapi({ description: 'Params taken as written: {{ }} in them is not an expression (the Code node\'s code)' }),
    credentials: z
      .array(z.object({ param: z.string(), types: z.array(z.string()) }))
      .optional()
      .openapi({ description: 'Params that hold a credential id, and the credential types each accepts (GET /api/credential-types)' }),
    params: z.record(z.string(), z.unknown()).openapi({ description: "JSON Schema of the node's params (what the editor renders a form from)" }),
  })
  .openapi('NodeType');

/** A node type as the editor sees it: everything but `run`, params as JSON Schema. */
export function describeNodeType(definition: NodeDefinition): z.infer<typeof NodeType> {
  const { params, credentials, ...rest } = definition;
  return {
    ...rest,
    inputs: [...rest.inputs],
    outputs: [...rest.outputs],
    literalParams: rest.literalParams ? [...rest.literalParams] : undefined,
    ...(credentials ? { credentials: credentials.map((slot) => ({ param: slot.param, types: [...slot.types] })) } : {}),
    params: z.toJSONSchema(params, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown> };
}

const described = definitions.map(describeNodeType);

export function nodeTypeRoutes() {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      summary: 'The catalogue of node types, with their params as JSON Schema',
      responses: { 200: { description: 'Every node type', content: { 'application/json': { schema: z.object({ nodeTypes: z.array(NodeType) }) } } } },
    }),
    (c) => c.json({ nodeTypes: described }, 200),
  );
  return app;
}

/** The node type catalogue as the API publishes it: definitions without `run`, params as JSON Schema. */
import { z } from 'zod';

/**
 * The part of JSON Schema (draft 2020-12, as zod's `toJSONSchema` writes it) that forms
 * are made from: node params and credential fields. Other keywords pass through.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  contentMediaType?: string;
  /** A secret: sent, never read back. */
  writeOnly?: boolean;
  additionalProperties?: boolean | JsonSchema;
  [keyword: string]: unknown;
}

export const JsonSchema: z.ZodType<JsonSchema> = z
  .looseObject({
    type: z.union([z.string(), z.array(z.string())]).optional(),
    get properties() {
      return z.record(z.string(), JsonSchema).optional();
    },
    required: z.array(z.string()).optional(),
    get items() {
      return JsonSchema.optional();
    },
    get oneOf() {
      return z.array(JsonSchema).optional();
    },
    get anyOf() {
      return z.array(JsonSchema).optional();
    },
    enum: z.array(z.unknown()).optional(),
    const: z.unknown().optional(),
    default: z.unknown().optional(),
    description: z.string().optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    minLength: z.number().optional(),
    maxLength: z.number().optional(),
    minItems: z.number().optional(),
    maxItems: z.number().optional(),
    format: z.string().optional(),
    contentMediaType: z.string().optional(),
    writeOnly: z.boolean().optional(),
    get additionalProperties() {
      return z.union([z.boolean(), JsonSchema]).optional();
    },
  })
  .meta({ id: 'JsonSchema', description: 'JSON Schema (draft 2020-12); the keywords forms are made from are listed' });

export const NodeType = z
  .object({
    type: z.string().meta({ example: 'connector.http' }),
    version: z.number().int(),
    label: z.string(),
    description: z.string(),
    icon: z.string(),
    category: z.enum(['trigger', 'logic', 'transform', 'code', 'connector']),
    inputs: z.array(z.string()),
    outputs: z.array(z.string()),
    sideEffects: z.boolean(),
    retry: z.object({ maxAttempts: z.number().int(), backoffMs: z.number().int(), maxBackoffMs: z.number().int() }),
    trigger: z.object({ kind: z.string() }).optional(),
    literalParams: z.array(z.string()).optional().meta({ description: "Params taken as written: {{ }} in them is not an expression (the Code node's code)" }),
    credentials: z
      .array(z.object({ param: z.string(), types: z.array(z.string()) }))
      .optional()
      .meta({ description: 'Params that hold a credential id, and the credential types each accepts (GET /api/credential-types)' }),
    params: JsonSchema.meta({ description: "JSON Schema of the node's params (what the editor renders a form from)" }),
  })
  .meta({ id: 'NodeType' });
export type NodeType = z.infer<typeof NodeType>;

export const NodeTypeList = z.object({ nodeTypes: z.array(NodeType) });

/** The one shape of every error the API answers. */
import { z } from 'zod';
import { ERROR_CODES } from './vocabulary.ts';

const ErrorCode = z.enum(ERROR_CODES);

/** One problem of several (every problem of a refused graph, each with its JSON path). */
export const ApiIssue = z.object({
  code: ErrorCode,
  message: z.string(),
  path: z.string().meta({ description: 'JSON path into the request, e.g. graph.nodes[2].params.url' }),
  i18n: z
    .object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) })
    .optional()
    .meta({
      description: "A node type's own check, by key (`<node type>.<message>`) and the values of its placeholders: the message in other languages comes from the node's words",
      example: { key: 'connector.http.bodyNotAllowed', params: { method: 'GET' } },
    }),
});
export type ApiIssue = z.infer<typeof ApiIssue>;

export const ErrorResponse = z
  .object({
    error: z.object({
      code: ErrorCode.meta({ example: 'invalid_params' }),
      message: z.string().meta({ example: 'Node "Post to ERP", field url: Give a full address starting with http:// or https://' }),
      path: z.string().optional().meta({ example: 'graph.nodes[2].params.url' }),
      issues: z.array(ApiIssue).optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorResponse = z.infer<typeof ErrorResponse>;

/**
 * What the API's routes share to declare themselves: error responses, the id parameter,
 * the watch flag. Every input the API takes is checked against a zod schema (these, or a
 * route's own) before a handler sees it. What the API answers is declared once for server
 * and editor in the contract (`nodes/src/contract/`); the OpenAPI document at
 * /api/openapi.json is generated from both.
 */
import { z } from '@hono/zod-openapi';
import { ErrorResponse } from '@junction/nodes';

/** A route's JSON response, for its OpenAPI declaration. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

export const errorResponses = {
  400: { description: 'The request is not valid', content: { 'application/json': { schema: ErrorResponse } } },
  401: { description: 'Not signed in, or the API key is not valid', content: { 'application/json': { schema: ErrorResponse } } },
  403: { description: "The caller's role, API key scopes or CSRF token do not allow this", content: { 'application/json': { schema: ErrorResponse } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorResponse } } },
  409: { description: 'Conflicts with the current state', content: { 'application/json': { schema: ErrorResponse } } },
} as const;

export const IdParam = z.object({
  id: z.uuid({ message: 'Not a valid id' }).openapi({ param: { name: 'id', in: 'path' }, example: '0199b1c2-6f1e-7cc1-a1b2-3c4d5e6f7a8b' }),
});

/** `?watch=true`: someone follows the run live; the worker publishes each step's progress (GET /api/runs/{id}/events). */
export const WatchFlag = z
  .enum(['true', 'false'])
  .optional()
  .transform((value) => value === 'true')
  .openapi({ type: 'string', description: 'true: publish step-by-step progress for GET /api/runs/{id}/events' });

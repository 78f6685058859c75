/**
 * `POST /api/expressions/preview`: what an expression gives for an item — the editor's
 * live preview of a field in expression mode.
 *
 * This is the interface; the evaluation behind it is the runtime's own
 * (runtime/params.ts), so a preview can never disagree with a run. Today that evaluates
 * field references (`{{ $json.a.b }}`); when the expression sandbox lands it evaluates
 * whatever the sandbox does, with no change to this route.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { defineNode, MAX_ITEM_DEPTH, tooDeepAt, type Item } from '@junction/nodes';
import { z as zod } from 'zod';
import { resolveParams } from '../runtime/params.ts';
import { ApiError } from './errors.ts';
import { validationHook } from './request.ts';
import { errorResponses, jsonResponse } from './schemas.ts';

/** A stand-in node whose one param is the expression: previews go through the runtime's own resolution. */
const previewNode = defineNode({
  type: 'logic.expressionPreview',
  version: 1,
  label: 'Expression preview',
  description: 'Evaluates one expression for the editor.',
  icon: 'code',
  category: 'logic',
  inputs: ['main'],
  outputs: ['main'],
  params: zod.object({ value: zod.unknown() }),
  mode: 'perItem',
  sideEffects: false,
});

const PreviewRequest = z.object({
  expression: z.string().max(10_000).openapi({ example: '{{ $json.customer.email }}' }),
  items: z
    .array(z.object({ json: z.record(z.string(), z.unknown()) }).passthrough())
    .max(100)
    .default([])
    .openapi({ description: 'The items the node receives (the editor sends them from the last run)' }),
  itemIndex: z.number().int().min(0).default(0).openapi({ description: 'Which item is $json' }),
});

const PreviewResult = z
  .object({
    value: z.unknown().optional().openapi({ description: 'The value; absent when the expression gives nothing (a missing field)' }),
    error: z.string().optional().openapi({ description: 'Why the expression could not be evaluated' }),
  })
  .openapi('ExpressionPreview');

export function expressionRoutes() {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/preview',
      summary: 'Evaluate an expression for one item (the editor\'s preview)',
      request: { body: { content: { 'application/json': { schema: PreviewRequest } }, required: true } },
      responses: { 200: jsonResponse(PreviewResult, 'The value, or why there is none'), ...errorResponses },
    }),
    (c) => {
      const body = c.req.valid('json');
      const deep = tooDeepAt(body.items);
      if (deep) throw new ApiError(400, 'too_deep', `The items nest more than ${MAX_ITEM_DEPTH} levels deep (at ${deep.slice(0, 200)})`);
      const items = (body.items.length > 0 ? body.items : [{ json: {} }]) as Item[];
      if (body.itemIndex >= items.length) throw new ApiError(400, 'invalid_request', `There is no item ${body.itemIndex}; ${items.length} were sent`, { path: 'itemIndex' });
      try {
        const resolved = resolveParams(previewNode, { value: body.expression }, items)(body.itemIndex) as { value?: unknown };
        return c.json({ value: resolved.value }, 200);
      } catch (error) {
        return c.json({ error: (error as Error).message }, 200);
      }
    },
  );
  return app;
}

/**
 * `POST /api/expressions/preview`: what an expression gives for an item — the editor's
 * live preview of a field in expression mode.
 *
 * The evaluation is the runtime's own (runtime/params.ts, in the sandbox), so a preview
 * never disagrees with a run: the same names ($json, $input, $node("Name"), $workflow,
 * $vars, $now in the workflow's time zone) and the same limits. Each preview gets a
 * fresh sandbox context of its own, dropped when it answers.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { defineNode, ExpressionPreview, MAX_ITEM_DEPTH, Settings, tooDeepAt, type Item, type WorkflowGraph } from '@junction/nodes';
import { z as zod } from 'zod';
import { workflowFor } from '../auth/access.ts';
import { principalOf } from '../auth/middleware.ts';
import { resolveParamsForItem } from '../runtime/params.ts';
import { paramsScope, runScope } from '../runtime/sandbox-scope.ts';
import { positionalPairing } from '../sandbox/index.ts';
import type { ApiDeps } from './app.ts';
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

const PreviewItem = z.object({ json: z.record(z.string(), z.unknown()) }).passthrough();

const PreviewRequest = z.object({
  expression: z.string().max(10_000).openapi({ example: '{{ $json.customer.email }}' }),
  items: z.array(PreviewItem).max(100).default([]).openapi({ description: 'The items the node receives (the editor sends them from the last run)' }),
  itemIndex: z.number().int().min(0).default(0).openapi({ description: 'Which item is $json' }),
  workflowId: z.uuid().optional().openapi({ description: "The workflow the field belongs to: its name, version, time zone and limits apply, and its nodes' names are what $node(\"...\") may name" }),
  nodes: z
    .record(z.string(), z.array(PreviewItem).max(100))
    .optional()
    .openapi({ description: 'Other steps\' output by node name, for $node("Name") (the editor sends them from the last run)' }),
});

const NO_WORKFLOW: WorkflowGraph = { schemaVersion: 1, nodes: [], edges: [], stickyNotes: [], settings: Settings.parse({}) };

export function expressionRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/preview',
      summary: "Evaluate an expression for one item (the editor's preview), in the sandbox",
      request: { body: { content: { 'application/json': { schema: PreviewRequest } }, required: true } },
      responses: { 200: jsonResponse(ExpressionPreview, 'The value, or why there is none'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const deep = tooDeepAt(body.items) ?? tooDeepAt(body.nodes);
      if (deep) throw new ApiError(400, 'too_deep', `The items nest more than ${MAX_ITEM_DEPTH} levels deep (at ${deep.slice(0, 200)})`);
      // No items (nothing ran yet): an empty item, so expressions that do not read $json still preview.
      const items = (body.items.length > 0 ? body.items : [{ json: {} }]) as Item[];
      const note = body.items.length === 0 ? { note: 'No items were sent: the expression saw one empty item ($json is {})' } : {};
      if (body.itemIndex >= items.length) throw new ApiError(400, 'invalid_request', `There is no item ${body.itemIndex}; ${body.items.length === 0 ? 'no items were sent (then item 0 is an empty one)' : `${body.items.length} were sent`}`, { path: 'itemIndex' });
      const workflow = body.workflowId ? await workflowFor(deps.db, principalOf(c), body.workflowId, 'read') : null;
      const graph = workflow?.graph ?? NO_WORKFLOW;
      const nodes = (body.nodes ?? {}) as Record<string, Item[]>;

      const rt = await deps.sandbox();
      const runId = `preview-${randomUUID()}`;
      const scope = runScope(
        rt,
        {
          id: runId,
          createdAt: new Date(),
          workflowId: workflow?.id ?? '',
          workflowName: workflow?.name ?? '',
          versionId: workflow?.versionId ?? 'preview',
          versionNumber: workflow?.currentVersion ?? 0,
          graph,
        },
        {
          // A node of the workflow with no output sent did not run: null, as in a run.
          outputOf: (name) => (Object.hasOwn(nodes, name) ? nodes[name]! : !workflow || graph.nodes.some((node) => node.name === name) ? null : undefined),
          // Outputs come by name, without the run's other steps: `.item` pairs by position.
          pairedOf: (name, _step, first, count) => positionalPairing(name, nodes[name] ?? [], first, count),
        },
      );
      // Compiled once per distinct expression, like a step's expressions per version and node.
      const key = createHash('sha256').update(body.expression).digest('base64url');
      try {
        const params = { value: body.expression };
        const resolved = (await resolveParamsForItem(previewNode, { name: 'Preview', params }, items, body.itemIndex, paramsScope(rt, scope, 'preview', key))) as { value?: unknown };
        // JSON has no undefined: without `defined: false` the answer would be an empty object.
        return c.json({ ...(resolved.value === undefined ? { defined: false as const } : { value: resolved.value }), ...note }, 200);
      } catch (error) {
        // The run's wording names the node and parameter; a preview is about this field alone.
        return c.json({ error: (error as Error).message.replace(/^Node "Preview"(, parameter value)?(, item \d+)?: /, ''), ...note }, 200);
      } finally {
        rt.sandbox.release(runId);
      }
    },
  );
  return app;
}

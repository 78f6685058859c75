/**
 * A workflow's triggers (`/triggers`): how each starts runs, and when the schedules and
 * polls fire next — what the editor shows under a timed trigger's form ("next runs: …").
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { catalogue, nextFirings, scheduleProblem, WorkflowTriggers, type ScheduleRule, type WorkflowTrigger } from '@junction/nodes';
import { workflowFor } from '../auth/access.ts';
import { principalOf } from '../auth/middleware.ts';
import { timersOf } from '../db/queries/triggers.ts';
import type { ApiDeps } from './app.ts';
import { validationHook } from './request.ts';
import { errorResponses, IdParam, jsonResponse } from './schemas.ts';

export function workflowTriggerRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/triggers',
      summary: "A workflow's triggers, and when its schedules and polls fire next",
      request: { params: IdParam, query: z.object({ count: z.coerce.number().int().min(1).max(50).default(5).openapi({ description: 'How many next firings' }) }) },
      responses: { 200: jsonResponse(WorkflowTriggers, 'Its triggers'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { count } = c.req.valid('query');
      const workflow = await workflowFor(deps.db, principalOf(c), id, 'read');
      const timers = new Map((await timersOf(deps.pool, id)).map((timer) => [timer.nodeId, timer]));
      const now = new Date();
      const triggers: WorkflowTrigger[] = [];
      for (const node of workflow.graph.nodes) {
        const definition = catalogue.get(node.type);
        const kind = definition?.trigger?.kind;
        if (!definition || !kind) continue;
        const entry: WorkflowTrigger = { nodeId: node.id, name: node.name, type: node.type, kind, active: workflow.active };
        if (kind === 'webhook') entry.path = `/hooks/${String(node.params.path ?? '')}`;
        if (kind === 'schedule' || kind === 'poll') {
          const parsed = definition.params.safeParse(node.params);
          const params = parsed.success ? (parsed.data as { rule: ScheduleRule; timezone?: string }) : null;
          const zone = params?.timezone || workflow.graph.settings.timezone;
          const problem = params ? scheduleProblem(params.rule, zone, now) : 'Its parameters are not valid';
          if (problem) entry.problem = problem;
          else entry.next = nextFirings(params!.rule, zone, now, count).map((at) => at.toISOString());
          entry.timezone = zone;
          const timer = timers.get(node.id);
          entry.active = Boolean(timer);
          entry.lastFiredAt = timer?.lastFiredAt?.toISOString() ?? null;
        }
        triggers.push(entry);
      }
      return c.json({ triggers }, 200);
    },
  );

  return app;
}

/**
 * A workflow's triggers (`/triggers`): how each starts runs, and when the schedules and
 * polls fire next — what the editor shows under a timed trigger's form ("next runs: …").
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { catalogue, nextFirings, PollPreview, scheduleProblem, WorkflowTriggers, type ScheduleRule, type WorkflowTrigger, zoneOf } from '@junction/nodes';
import { serverCatalogue } from '@junction/nodes/server';
import { pollState } from '../db/queries/polls.ts';
import { lookAt, newsOf, type PollParams } from '../runtime/polls.ts';
import { CredentialResolver } from '../vault/resolve.ts';
import { ApiError, notFound } from './errors.ts';
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
          const zone = zoneOf(params?.timezone, workflow.graph.settings.timezone);
          const problem = params ? scheduleProblem(params.rule, zone, now) : 'Its parameters are not valid';
          if (problem) entry.problem = problem;
          else entry.next = nextFirings(params!.rule, zone, now, count).map((at) => at.toISOString());
          entry.timezone = zone;
          const timer = timers.get(node.id);
          entry.active = Boolean(timer);
          entry.lastFiredAt = timer?.lastFiredAt?.toISOString() ?? null;
          if (timer?.lastError) entry.lastError = timer.lastError;
        }
        triggers.push(entry);
      }
      return c.json({ triggers }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/triggers/{nodeId}/test',
      summary: 'What a poll trigger would start runs for if it looked now, without changing what it remembers',
      request: { params: IdParam.extend({ nodeId: z.string().min(1).max(64).openapi({ param: { name: 'nodeId', in: 'path' } }) }) },
      responses: { 200: jsonResponse(PollPreview, 'What it found, and what of it is news'), ...errorResponses },
    }),
    async (c) => {
      const { id, nodeId } = c.req.valid('param');
      const workflow = await workflowFor(deps.db, principalOf(c), id, 'write');
      const node = workflow.graph.nodes.find((n) => n.id === nodeId);
      if (!node) throw notFound(`Node ${nodeId} of workflow`, id);
      const definition = catalogue.get(node.type);
      if (definition?.trigger?.kind !== 'poll') throw new ApiError(400, 'invalid_request', `"${node.name}" is not a poll trigger: only a poll can be tried`, { path: 'nodeId' });
      const parsed = definition.params.safeParse(node.params);
      if (!parsed.success) throw new ApiError(400, 'invalid_params', `"${node.name}" has parameters that are not valid; fix them first`, { path: 'nodeId' });
      const params = parsed.data as PollParams;
      const zone = zoneOf(params.timezone, workflow.graph.settings.timezone);
      const rt = { pool: deps.pool, nodes: serverCatalogue, credentials: new CredentialResolver(deps.pool, deps.security.keyring) };
      let rows;
      try {
        rows = await lookAt(rt, id, node, params, zone);
      } catch (error) {
        throw new ApiError(400, 'invalid_request', `"${node.name}" could not look at its source: ${(error as Error).message}`, { cause: error });
      }
      const outcome = await newsOf(deps.pool, id, nodeId, params, rows, false);
      return c.json({ found: rows.length, first: (await pollState(deps.pool, id, nodeId, false)).first, news: outcome.news.slice(0, 100), newsCount: outcome.news.length, skipped: outcome.skipped }, 200);
    },
  );

  return app;
}

import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { CancelAccepted, descendantsOf, RunAccepted, RunDetail, RunPage, RunWorkflow, STEP_ITEM_SIDES, StepItemsPage, type RunSummary, type WorkflowGraph } from '@junction/nodes';
import { enqueueRetry, getRun, listRuns, requestCancel, type RunSummary as RunSummaryRow } from '../db/queries/runs.ts';
import { getRunWorkflow, getVersionGraph, getWorkflow, getWorkflowOwner } from '../db/queries/workflows.ts';
import { FINISHED_RUN_STATUSES, RUN_STATUSES } from '../db/schema.ts';
import { resumeUrl } from '../runtime/resume.ts';
import { demandRunAccess, workflowAccess, workflowScope } from '../auth/access.ts';
import { principalOf } from '../auth/middleware.ts';
import type { ApiDeps } from './app.ts';
import { Auditor } from './audit.ts';
import { ApiError, notFound } from './errors.ts';
import { decodeCursor, encodeCursor, validationHook } from './request.ts';
import { errorResponses, jsonResponse, IdParam, WatchFlag } from './schemas.ts';
import { runPreviews, stepItemsPage } from './step-items.ts';

const json = jsonResponse;
const iso = (date: Date | null) => (date ? date.toISOString() : null);

function summary(run: RunSummaryRow): RunSummary {
  return {
    id: run.id,
    workflowId: run.workflowId,
    versionId: run.versionId,
    status: run.status,
    mode: run.mode,
    triggerNodeId: run.triggerNodeId,
    error: run.error ?? null,
    retryOf: run.retryOf,
    parentRunId: run.parentRunId,
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    cancelRequested: run.cancelRequested,
  };
}

const StatusList = z
  .string()
  .transform((value) => value.split(',').map((s) => s.trim()))
  .pipe(z.array(z.enum(RUN_STATUSES, { message: `Use one or more of: ${RUN_STATUSES.join(', ')}` })));

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A whole day in UTC (2026-11-25) or a time with its offset: what people type to filter history. */
const DayOrTime = z
  .string()
  .refine((value) => z.iso.date().safeParse(value).success || z.iso.datetime({ offset: true }).safeParse(value).success, {
    message: 'Give a date (2026-11-25: the whole day, UTC) or a time with its offset (2026-11-25T08:00:00Z)',
  });

/** Where a day or time starts; for a day in `to`, the start of the next day (runs before it count). */
const startOf = (value: string) => new Date(DATE.test(value) ? `${value}T00:00:00Z` : value);
const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 24 * 60 * 60 * 1000);

export function runRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const { db } = deps;
  const audit = new Auditor(db, deps.security);

  /** The run with its steps, when the caller may `need` it (404 when they may not see it). */
  const runFor = async (c: Parameters<typeof principalOf>[0], id: string, need: 'read' | 'write') => {
    const found = await getRun(db, id);
    if (!found) throw notFound('Run', id);
    await demandRunAccess(db, principalOf(c), id, found.run.workflowId, need);
    return found;
  };

  /** May the caller run this workflow (and so cancel, retry or answer its runs)? */
  const mayRun = async (c: Parameters<typeof principalOf>[0], workflowId: string) => {
    const principal = principalOf(c);
    if (!principal.capabilities.has('workflows:run')) return false;
    const workflow = await getWorkflowOwner(db, workflowId);
    const access = workflow ? await workflowAccess(db, principal, workflow) : 'none';
    return access === 'write' || access === 'own';
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      summary: 'List runs, newest first, one page at a time',
      request: {
        query: z.object({
          workflowId: z.uuid().optional(),
          status: StatusList.optional().openapi({ type: 'string', example: 'failed,cancelled' }),
          from: DayOrTime.optional().openapi({ description: 'Runs created at or after this time, or from the start of this day (UTC)', example: '2026-11-25' }),
          to: DayOrTime.optional().openapi({ description: 'Runs created at or before this time, or up to the end of this day (UTC)', example: '2026-11-25T18:00:00Z' }),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          cursor: z.string().max(100).optional().openapi({ description: 'nextCursor of the previous page' }),
        }),
      },
      responses: { 200: json(RunPage, 'A page of runs'), ...errorResponses },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const beforeSeq = query.cursor
        ? decodeCursor(query.cursor, (parts) => {
            // Exactly the decimal seq this API encodes: Number() would also take "", "1e3", "0x10".
            if (parts.length !== 1 || !/^\d{1,16}$/.test(parts[0]!)) throw new Error('bad seq');
            const seq = Number(parts[0]);
            if (!Number.isSafeInteger(seq)) throw new Error('bad seq');
            return seq;
          })
        : undefined;
      const rows = await listRuns(db, {
        workflowId: query.workflowId,
        status: query.status,
        from: query.from ? startOf(query.from) : undefined,
        to: query.to && !DATE.test(query.to) ? new Date(query.to) : undefined,
        before: query.to && DATE.test(query.to) ? dayAfter(query.to) : undefined,
        limit: query.limit,
        beforeSeq,
        visibleTo: workflowScope(principalOf(c)),
      });
      const last = rows.at(-1);
      const nextCursor = rows.length === query.limit && last ? encodeCursor([String(last.seq)]) : null;
      return c.json({ runs: rows.map(summary), nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      summary: "A run with every step's input and output (the first items of each, and how many), error, attempts and timings",
      request: { params: IdParam },
      responses: { 200: json(RunDetail, 'The run'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { run, steps } = await runFor(c, id, 'read');
      const graph = (await getVersionGraph(db, run.versionId))!;
      // A resume URL answers the step: given to those who may run (and so cancel) the workflow, as the editor's run view shows it.
      const answerable = (step: (typeof steps)[number]) => step.status === 'waiting' && !FINISHED_RUN_STATUSES.includes(run.status) && step.wait?.resumable === true && !step.wait.resumed;
      const links = deps.resume && steps.some(answerable) && (await mayRun(c, run.workflowId)) ? deps.resume : null;
      const names = new Map(graph.nodes.map((node) => [node.id, node]));
      const previews = await runPreviews(deps.pool, run, steps, graph);
      return c.json(
        {
          ...summary(run),
          input: previews.input,
          inputCount: previews.inputCount,
          output: previews.output,
          outputCount: previews.outputCount,
          steps: steps.map((step) => ({
            nodeId: step.nodeId,
            name: names.get(step.nodeId)?.name ?? step.nodeId,
            type: names.get(step.nodeId)?.type ?? 'unknown',
            status: step.status,
            attempt: step.attempt,
            ...previews.step(step),
            error: step.error ?? null,
            attempts: step.attempts,
            startedAt: iso(step.startedAt),
            finishedAt: iso(step.finishedAt),
            nextAttemptAt: iso(step.nextAttemptAt),
            wait: step.wait ?? null,
            ...(links && answerable(step) ? { resumeUrl: resumeUrl(links, run.id, step.nodeId) } : {}),
          })),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/steps/{nodeId}/items',
      summary: "A page of a step's items, whole: what it received, or what it emitted on one output port",
      request: {
        params: IdParam.extend({ nodeId: z.string().min(1).max(200) }),
        query: z.object({
          side: z.enum(STEP_ITEM_SIDES).default('output').openapi({ description: 'input: the items the step received; output: those it emitted on `port`' }),
          port: z.string().min(1).max(200).optional().openapi({ description: 'The output port (default: its first)', example: 'main' }),
          cursor: z.string().max(200).optional().openapi({ description: 'nextCursor of the previous page' }),
          limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ description: 'Most items in the page (fewer when they are large: a page holds about 4 MB of JSON, and at least one item)' }),
        }),
      },
      responses: { 200: json(StepItemsPage, 'The items, how many the list has, and the cursor of the next page'), ...errorResponses },
    }),
    async (c) => {
      const { id, nodeId } = c.req.valid('param');
      const query = c.req.valid('query');
      const { run, steps } = await runFor(c, id, 'read');
      const step = steps.find((s) => s.nodeId === nodeId);
      if (!step) throw new ApiError(404, 'not_found', `Run ${id} has no step of node "${nodeId}"`, { path: 'nodeId' });
      const graph = (await getVersionGraph(db, run.versionId))!;
      return c.json(await stepItemsPage(deps.pool, run, steps, graph, step, query), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/workflow',
      summary: 'The workflow version a run executed (to show the run on its own graph); needs workflows:read as well as runs:read',
      request: { params: IdParam },
      responses: {
        200: json(RunWorkflow, 'The version that ran'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const found = await getRunWorkflow(db, id);
      if (!found) throw notFound('Run', id);
      await demandRunAccess(db, principalOf(c), id, found.workflowId, 'read');
      return c.json(found, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/cancel',
      summary: 'Cancel a run that has not finished',
      request: { params: IdParam },
      responses: { 202: json(CancelAccepted, 'Cancelled, or cancelling (the step in flight is stopped)'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const found = await runFor(c, id, 'write');
      if (FINISHED_RUN_STATUSES.includes(found.run.status)) {
        throw new ApiError(409, 'run_finished', `The run has already finished (${found.run.status})`);
      }
      const status = await requestCancel(deps.pool, id);
      await audit.record(c, { action: 'run.cancel', resourceType: 'run', resourceId: id, details: { workflowId: found.run.workflowId } });
      const answer: CancelAccepted = { status: status === 'cancelled' ? 'cancelled' : 'cancelling' };
      return c.json(answer, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/retry',
      summary: 'Run a failed or cancelled run again from its failed steps, keeping the results of the steps before them',
      request: {
        params: IdParam,
        query: z.object({
          version: z.enum(['original', 'latest']).default('original').openapi({ description: 'Retry with the version that ran, or with the latest saved version' }),
          watch: WatchFlag,
        }),
      },
      responses: { 202: json(RunAccepted, 'The new run is queued'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { version, watch } = c.req.valid('query');
      const { run, steps } = await runFor(c, id, 'write');
      if (run.status !== 'failed' && run.status !== 'cancelled') {
        throw new ApiError(409, 'run_not_failed', `Only a failed or cancelled run can be retried; this one is ${run.status}`);
      }
      // A deleted workflow stays deleted: retrying its run would make its outside calls again.
      const workflow = await getWorkflow(db, run.workflowId);
      if (!workflow) throw new ApiError(409, 'workflow_deleted', 'The workflow of this run was deleted, so the run cannot be retried; its history stays readable');
      let versionId = run.versionId;
      let graph: WorkflowGraph;
      if (version === 'latest') {
        versionId = workflow.versionId;
        graph = workflow.graph;
      } else {
        graph = (await getVersionGraph(db, versionId))!;
      }
      if (!graph.nodes.some((node) => node.id === run.triggerNodeId)) {
        throw new ApiError(409, 'trigger_removed', `The trigger this run started from ("${run.triggerNodeId}") is not in that version`);
      }
      const unfinished = steps.filter((step) => step.status !== 'succeeded' && step.status !== 'skipped').map((step) => step.nodeId);
      const redo = descendantsOf(graph, unfinished);
      const keep = steps.filter((step) => step.status === 'succeeded' && !redo.has(step.nodeId) && !unfinished.includes(step.nodeId)).map((step) => step.nodeId);
      const runId = await enqueueRetry(deps.pool, run, versionId, keep, graph.settings.timeoutSeconds, watch);
      await audit.record(c, { action: 'run.retry', resourceType: 'run', resourceId: id, details: { workflowId: run.workflowId, runId, version } });
      return c.json({ runId }, 202);
    },
  );

  return app;
}

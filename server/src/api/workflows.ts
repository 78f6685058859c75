import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  catalogue,
  GraphInput,
  MAX_ITEM_DEPTH,
  RunAccepted,
  tooDeepAt,
  validateWorkflow,
  VersionList,
  Workflow,
  WorkflowName,
  WorkflowPage,
  WorkflowVersion,
  type AuditDetails,
  type Item,
  type WebhookParams,
  type WorkflowGraph,
} from '@junction/nodes';
import {
  createWorkflow,
  deleteWorkflow,
  getVersion,
  listVersions,
  listWorkflows,
  setActive,
  triggerTypesOf,
  updateWorkflow,
  WebhookConflict,
  webhooksOf,
  type WorkflowWithGraph,
} from '../db/queries/workflows.ts';
import type { Db } from '../db/client.ts';
import type { WorkflowRow } from '../db/schema.ts';
import { workflowFor, workflowScope } from '../auth/access.ts';
import { principalOf, type Principal } from '../auth/middleware.ts';
import { checkCredentialReferences } from '../vault/references.ts';
import type { SandboxAdminLimits } from '../sandbox/limits.ts';
import type { ValidationIssue } from '@junction/nodes';
import type { ApiDeps } from './app.ts';
import { Auditor } from './audit.ts';
import { timerRegistrations } from '../runtime/timers.ts';
import { checkWorkflowReferences } from './workflow-references.ts';
import { ApiError, fromValidationIssues, notFound } from './errors.ts';
import { decodeCursor, encodeCursor, MAX_BODY_DEPTH, validationHook } from './request.ts';
import { lastRunsOf, requestCancel, unfinishedRunsOf } from '../db/queries/runs.ts';
import { errorResponses, jsonResponse, IdParam, WatchFlag } from './schemas.ts';

const json = jsonResponse;

/**
 * What the server answers a workflow with: a client may send these back (an editor PUTs
 * what it read) and they are ignored; only name and graph change.
 */
const READ_ONLY_FIELDS = new Set(['id', 'ownerId', 'active', 'version', 'versionId', 'createdAt', 'updatedAt', 'lastRun']);
const GRAPH_FIELDS = new Set(['nodes', 'edges', 'settings']);
const EXPORT_FIELDS = new Set(['format', 'formatVersion', 'exportedAt']);

/**
 * Any other top-level field is refused, naming it: dropping it silently would save a
 * workflow without what its author meant to set (settings sent beside the graph).
 */
function refuseUnknownFields(body: unknown, ctx: z.RefinementCtx): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  for (const key of Object.keys(body)) {
    if (key === 'name' || key === 'graph' || READ_ONLY_FIELDS.has(key)) continue;
    let message = 'not a field of a workflow, which has a name and a graph (id, owner, version and timestamps are the server\'s and ignored)';
    if (GRAPH_FIELDS.has(key)) message = `${key} belongs in graph.${key}, not beside the graph`;
    else if (EXPORT_FIELDS.has(key)) message = 'this looks like an export document: import it with POST /api/workflows/import';
    ctx.addIssue({ code: 'custom', path: [key], message });
  }
  return body;
}

// Checked before the fields themselves: `nodes` sent beside a missing graph is the news.
const WorkflowBody = z.preprocess(refuseUnknownFields, z.object({ name: WorkflowName, graph: GraphInput }));
const WorkflowPatch = z.preprocess(refuseUnknownFields, z.object({ name: WorkflowName.optional(), graph: GraphInput.optional() }));

/** Validates a posted graph: the graph, or a 400 naming every problem with its path. */
export function parseGraph(graph: unknown): WorkflowGraph {
  // Before anything walks it recursively (JSON.stringify below): the API refuses deeper
  // bodies at its door already; this keeps any other caller as safe.
  const deep = tooDeepAt(graph, MAX_BODY_DEPTH);
  if (deep) throw new ApiError(400, 'too_deep', `The graph nests more than ${MAX_BODY_DEPTH} levels deep, at ${deep.slice(0, 200)}`, { path: `graph${deep.slice(1)}` });
  const result = validateWorkflow(graph, catalogue, Buffer.byteLength(JSON.stringify(graph)));
  if (!result.ok) throw fromValidationIssues(result.issues, 'graph');
  return result.graph;
}

const webhookParams = (params: unknown) => catalogue.get('trigger.webhook')!.params.parse(params) as WebhookParams;

function summary(row: WorkflowRow) {
  return {
    id: row.id,
    name: row.name,
    ownerId: row.ownerId,
    active: row.active,
    version: row.currentVersion,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function present(workflow: WorkflowWithGraph): Workflow {
  return { ...summary(workflow), versionId: workflow.versionId, graph: workflow.graph };
}

function conflict(error: unknown): never {
  if (error instanceof WebhookConflict) {
    throw new ApiError(409, 'webhook_conflict', `${error.message}; change the path or deactivate that workflow first`, { cause: error });
  }
  throw error;
}

/** Turns whatever a client posts to start a run into items: an object is one item, a list of objects is many. */
/** Refuses input nested deeper than items may be (400 naming where). */
export function assertNotTooDeep(body: unknown): void {
  const deep = tooDeepAt(body);
  if (deep) throw new ApiError(400, 'too_deep', `The input nests more than ${MAX_ITEM_DEPTH} levels deep (at ${deep.slice(0, 200)})`);
}

export function itemsFromBody(body: unknown): Item[] {
  if (body === undefined || body === null) return [{ json: {} }];
  assertNotTooDeep(body);
  if (Array.isArray(body)) {
    return body.map((element, index) => {
      if (typeof element !== 'object' || element === null || Array.isArray(element)) {
        throw new ApiError(400, 'invalid_input', `Item ${index + 1} of the input is not an object`, { path: `[${index}]` });
      }
      return { json: element as Record<string, unknown> };
    });
  }
  if (typeof body === 'object') return [{ json: body as Record<string, unknown> }];
  return [{ json: { value: body } }];
}

/** Sandbox settings above what this server's administrator allows (config.ts). */
function beyondAdminLimits(graph: WorkflowGraph, limits: SandboxAdminLimits): ValidationIssue[] {
  const maxima = [
    ['codeTimeoutMs', limits.codeTimeoutMaxMs, 'ms', 'JUNCTION_CODE_TIMEOUT_MAX_MS'],
    ['expressionTimeoutMs', limits.expressionTimeoutMaxMs, 'ms', 'JUNCTION_EXPRESSION_TIMEOUT_MAX_MS'],
    ['memoryMb', limits.memoryMaxMb, 'MB', 'JUNCTION_SANDBOX_MEMORY_MAX_MB'],
  ] as const;
  return maxima
    .filter(([setting, max]) => (graph.settings[setting] ?? 0) > max)
    .map(([setting, max, unit, variable]) => ({
      code: 'above_server_limit',
      path: `settings.${setting}`,
      message: `This server allows at most ${max} ${unit} here (its administrator sets ${variable})`,
    }));
}

/** A valid graph whose credential references the saver and the workflow's owner may use (400 naming each problem). */
export async function checkedGraph(
  deps: Pick<ApiDeps, 'db' | 'sandboxLimits'>,
  graph: unknown,
  principal: Principal,
  ownerId: string | null,
  current?: WorkflowGraph,
  workflowId?: string,
): Promise<WorkflowGraph> {
  const parsed = parseGraph(graph);
  const issues = [
    ...beyondAdminLimits(parsed, deps.sandboxLimits),
    ...(await checkCredentialReferences(deps.db, parsed, principal.user, ownerId, current)),
    ...(await checkWorkflowReferences(deps.db, parsed, principal, workflowId)),
  ];
  if (issues.length > 0) throw fromValidationIssues(issues, 'graph');
  return parsed;
}

/**
 * Creates a workflow owned by the caller from a graph they sent or copied (checked, with
 * its credential references), records it in the audit log, and answers 201 with it.
 */
export async function createOwnedWorkflow(
  c: Context,
  deps: Pick<ApiDeps, 'db' | 'sandboxLimits'>,
  audit: Auditor,
  name: string,
  graph: unknown,
  details: AuditDetails = {},
) {
  const principal = principalOf(c);
  const workflow = await createWorkflow(deps.db, name, await checkedGraph(deps, graph, principal, principal.user.id), principal.user.id);
  await audit.record(c, { action: 'workflow.create', resourceType: 'workflow', resourceId: workflow.id, details: { name: workflow.name, ...details } });
  return c.json(present(workflow), 201);
}

export function workflowRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const { db } = deps;
  const audit = new Auditor(db, deps.security);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: 'Create a workflow',
      request: { body: { content: { 'application/json': { schema: WorkflowBody } }, required: true } },
      responses: { 201: json(Workflow, 'The new workflow (version 1, inactive)'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      return createOwnedWorkflow(c, deps, audit, body.name, body.graph);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      summary: 'List workflows, most recently changed first',
      request: {
        query: z.object({
          search: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          cursor: z.string().max(200).optional(),
        }),
      },
      responses: { 200: json(WorkflowPage, 'A page of workflows'), ...errorResponses },
    }),
    async (c) => {
      const { search, limit, cursor } = c.req.valid('query');
      const after = cursor ? decodeCursor(cursor, (parts) => ({ updatedAt: new Date(parts[0]!), id: z.uuid().parse(parts[1]) })) : undefined;
      const rows = await listWorkflows(db, { search, limit, after, visibleTo: workflowScope(principalOf(c)) });
      const ids = rows.map((row) => row.id);
      const [lastRuns, triggers] = await Promise.all([lastRunsOf(deps.pool, ids), triggerTypesOf(deps.pool, ids)]);
      const last = rows.at(-1);
      const nextCursor = rows.length === limit && last ? encodeCursor([last.updatedAt.toISOString(), last.id]) : null;
      const withLastRun = (row: WorkflowRow) => {
        const run = lastRuns.get(row.id);
        return {
          ...summary(row),
          triggers: triggers.get(row.id) ?? [],
          lastRun: run ? { id: run.id, status: run.status, createdAt: run.createdAt.toISOString(), finishedAt: run.finishedAt?.toISOString() ?? null } : null,
        };
      };
      return c.json({ workflows: rows.map(withLastRun), nextCursor }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/{id}', summary: 'Get a workflow with its current graph', request: { params: IdParam }, responses: { 200: json(Workflow, 'The workflow'), ...errorResponses } }),
    async (c) => c.json(present(await workflowFor(db, principalOf(c), c.req.valid('param').id, 'read')), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/{id}',
      summary: 'Rename a workflow and/or save a new version of its graph',
      request: { params: IdParam, body: { content: { 'application/json': { schema: WorkflowPatch } }, required: true } },
      responses: { 200: json(Workflow, 'The workflow after the change'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const principal = principalOf(c);
      const current = await workflowFor(db, principal, id, 'write');
      const graph = body.graph === undefined ? undefined : await checkedGraph(deps, body.graph, principal, current.ownerId, current.graph, id);
      const registrations = graph ? webhooksOf(graph, webhookParams) : undefined;
      const timers = graph ? timerRegistrations(graph, (type) => catalogue.get(type)) : undefined;
      const workflow = await updateWorkflow(db, id, { name: body.name, graph, registrations, timers }).catch(conflict);
      if (!workflow) throw notFound('Workflow', id);
      await audit.record(c, { action: 'workflow.update', resourceType: 'workflow', resourceId: id, details: { version: workflow.currentVersion, renamed: body.name !== undefined } });
      return c.json(present(workflow), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/{id}', summary: 'Delete a workflow (its run history is kept)', request: { params: IdParam }, responses: { 204: { description: 'Deleted' }, ...errorResponses } }),
    async (c) => {
      const { id } = c.req.valid('param');
      await workflowFor(db, principalOf(c), id, 'own');
      if (!(await deleteWorkflow(db, id))) throw notFound('Workflow', id);
      // The workflow stops at once: its runs not finished yet are cancelled (a queued one
      // would otherwise still make its outside calls), their history kept.
      const unfinished = await unfinishedRunsOf(deps.pool, id);
      for (const runId of unfinished) await requestCancel(deps.pool, runId);
      await audit.record(c, { action: 'workflow.delete', resourceType: 'workflow', resourceId: id, details: { runsCancelled: unfinished.length } });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/versions',
      summary: 'List the saved versions of a workflow, newest first',
      request: { params: IdParam },
      responses: { 200: json(VersionList, 'Versions'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await workflowFor(db, principalOf(c), id, 'read');
      const versions = await listVersions(db, id);
      return c.json({ versions: versions.map((v) => ({ id: v.id, version: v.version, createdAt: v.createdAt.toISOString() })) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/versions/{version}',
      summary: 'Get one saved version of a workflow',
      request: { params: IdParam.extend({ version: z.coerce.number().int().min(1).max(2_147_483_647, 'There is no version with so large a number').openapi({ param: { name: 'version', in: 'path' } }) }) },
      responses: { 200: json(WorkflowVersion, 'The version'), ...errorResponses },
    }),
    async (c) => {
      const { id, version } = c.req.valid('param');
      await workflowFor(db, principalOf(c), id, 'read');
      const row = await getVersion(db, id, version);
      if (!row) throw notFound(`Version ${version} of workflow`, id);
      return c.json({ id: row.id, version: row.version, graph: row.graph, createdAt: row.createdAt.toISOString() }, 200);
    },
  );

  for (const active of [true, false]) {
    app.openapi(
      createRoute({
        method: 'post',
        path: active ? '/{id}/activate' : '/{id}/deactivate',
        summary: active ? 'Switch a workflow on: its webhooks start answering' : 'Switch a workflow off',
        request: { params: IdParam },
        responses: { 200: json(Workflow, 'The workflow'), ...errorResponses },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const principal = principalOf(c);
        const workflow = await workflowFor(db, principal, id, 'write');
        await setActive(db, id, active, active ? webhooksOf(workflow.graph, webhookParams) : [], active ? timerRegistrations(workflow.graph, (type) => catalogue.get(type)) : []).catch(conflict);
        await audit.record(c, { action: active ? 'workflow.activate' : 'workflow.deactivate', resourceType: 'workflow', resourceId: id });
        return c.json(present(await workflowFor(db, principal, id, 'read')), 200);
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/run',
      summary: 'Run the workflow now',
      description: 'The request body (JSON, optional) is the input: an object becomes one item, a list of objects one item each.',
      request: {
        params: IdParam,
        query: z.object({
          trigger: z.string().max(64).optional().openapi({ description: 'Id of the trigger node to start from; default: the manual trigger' }),
          watch: WatchFlag,
        }),
      },
      responses: { 202: json(RunAccepted, 'The run is queued'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { trigger, watch } = c.req.valid('query');
      const text = await c.req.text();
      let body: unknown;
      try {
        body = text.trim() === '' ? undefined : JSON.parse(text);
      } catch (error) {
        throw new ApiError(400, 'invalid_json', `The input is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
      const workflow = await workflowFor(db, principalOf(c), id, 'write');
      const triggers = workflow.graph.nodes.filter((node) => catalogue.get(node.type)?.category === 'trigger');
      const triggerNode = trigger
        ? triggers.find((node) => node.id === trigger)
        : (triggers.find((node) => node.type === 'trigger.manual') ?? triggers[0]);
      if (!triggerNode) throw new ApiError(400, 'unknown_trigger', trigger ? `The workflow has no trigger node "${trigger}"` : 'The workflow has no trigger');
      const runId = await deps.enqueuer.enqueue({
        workflowId: workflow.id,
        versionId: workflow.versionId,
        triggerNodeId: triggerNode.id,
        mode: 'manual',
        input: itemsFromBody(body),
        timeoutSeconds: workflow.graph.settings.timeoutSeconds,
        watched: watch,
      });
      await audit.record(c, { action: 'workflow.run', resourceType: 'workflow', resourceId: workflow.id, details: { runId, trigger: triggerNode.id } });
      return c.json({ runId }, 202);
    },
  );

  return app;
}

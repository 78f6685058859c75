import { and, desc, eq, ilike, isNull, lt, or, sql } from 'drizzle-orm';
import type { WebhookParams, WorkflowGraph } from '@junction/nodes';
import type pg from 'pg';
import type { Db } from '../client.ts';
import { registerTimers, type TimerRegistration } from './triggers.ts';
import { runs, users, webhooks, workflows, workflowShares, workflowVersions, type WebhookRow, type WorkflowRow, type WorkflowVersionRow } from '../schema.ts';

export type WorkflowWithGraph = WorkflowRow & { graph: WorkflowGraph; versionId: string };

export async function createWorkflow(db: Db, name: string, graph: WorkflowGraph, ownerId: string | null): Promise<WorkflowWithGraph> {
  return db.transaction(async (tx) => {
    const [workflow] = await tx.insert(workflows).values({ name, ownerId, currentVersion: 1, createdAt: new Date(), updatedAt: new Date() }).returning();
    const [version] = await tx.insert(workflowVersions).values({ workflowId: workflow!.id, version: 1, graph }).returning();
    return { ...workflow!, graph, versionId: version!.id };
  });
}

export async function getWorkflow(db: Db, id: string): Promise<WorkflowWithGraph | undefined> {
  const [row] = await db
    .select({ workflow: workflows, graph: workflowVersions.graph, versionId: workflowVersions.id })
    .from(workflows)
    .innerJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.currentVersion)))
    .where(and(eq(workflows.id, id), isNull(workflows.deletedAt)));
  return row ? { ...row.workflow, graph: row.graph, versionId: row.versionId } : undefined;
}

export interface WorkflowListQuery {
  search?: string;
  limit: number;
  /** `updatedAt|id` of the last workflow of the previous page. */
  after?: { updatedAt: Date; id: string };
  /** Only the workflows this user owns or has been shared; all when absent. */
  visibleTo?: string;
}

/** Workflows a user owns or has been shared (an SQL condition on `workflows`). */
export const ownedOrSharedWith = (userId: string) =>
  or(
    eq(workflows.ownerId, userId),
    sql`exists (select 1 from ${workflowShares} where ${workflowShares.workflowId} = ${workflows.id} and ${workflowShares.userId} = ${userId})`,
  )!;

export async function listWorkflows(db: Db, query: WorkflowListQuery): Promise<WorkflowRow[]> {
  const conditions = [isNull(workflows.deletedAt)];
  if (query.visibleTo) conditions.push(ownedOrSharedWith(query.visibleTo));
  if (query.search) conditions.push(ilike(workflows.name, `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  if (query.after) {
    conditions.push(
      or(lt(workflows.updatedAt, query.after.updatedAt), and(eq(workflows.updatedAt, query.after.updatedAt), lt(workflows.id, query.after.id)))!,
    );
  }
  return db
    .select()
    .from(workflows)
    .where(and(...conditions))
    .orderBy(desc(workflows.updatedAt), desc(workflows.id))
    .limit(query.limit);
}

/**
 * The trigger node types (`trigger.*`) of each workflow's current version, each once: what
 * a list shows to say how a workflow starts (a sub-workflow, an error workflow).
 */
export async function triggerTypesOf(pool: pg.Pool, workflowIds: string[]): Promise<Map<string, string[]>> {
  if (workflowIds.length === 0) return new Map();
  const result = await pool.query<{ id: string; types: string[] }>(
    `select w.id, array(select distinct n->>'type' from jsonb_array_elements(v.graph->'nodes') n where n->>'type' like 'trigger.%' order by 1) as types
     from workflows w join workflow_versions v on v.workflow_id = w.id and v.version = w.current_version
     where w.id = any($1::uuid[])`,
    [workflowIds],
  );
  return new Map(result.rows.map((row) => [row.id, row.types]));
}

export interface WebhookRegistration {
  method: string;
  path: string;
  nodeId: string;
}

/** The webhook triggers of a graph, with their params as validated. */
export function webhooksOf(graph: WorkflowGraph, parse: (params: unknown) => WebhookParams): WebhookRegistration[] {
  return graph.nodes
    .filter((node) => node.type === 'trigger.webhook')
    .map((node) => {
      const params = parse(node.params);
      return { method: params.method, path: params.path, nodeId: node.id };
    });
}

export class WebhookConflict extends Error {
  override name = 'WebhookConflict';
  readonly method: string;
  readonly path: string;
  readonly workflowId: string;

  constructor(method: string, path: string, workflowId: string) {
    // Not naming the other workflow: the caller may not be allowed to see it.
    super(`${method} /hooks/${path} is already used by another active workflow`);
    this.method = method;
    this.path = path;
    this.workflowId = workflowId;
  }
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Replaces a workflow's webhook registrations; throws WebhookConflict if another workflow
 * holds a path (in any case: `Orders` and `orders` are one path, by a unique index).
 */
async function registerWebhooks(tx: Tx, workflowId: string, versionId: string, registrations: WebhookRegistration[]): Promise<void> {
  await tx.delete(webhooks).where(eq(webhooks.workflowId, workflowId));
  for (const registration of registrations) {
    const inserted = await tx
      .insert(webhooks)
      .values({ ...registration, workflowId, versionId })
      .onConflictDoNothing()
      .returning({ path: webhooks.path });
    if (inserted.length === 0) {
      const [holder] = await tx
        .select({ workflowId: webhooks.workflowId })
        .from(webhooks)
        .where(and(eq(webhooks.method, registration.method), sql`lower(${webhooks.path}) = lower(${registration.path})`));
      throw new WebhookConflict(registration.method, registration.path, holder?.workflowId ?? 'unknown');
    }
  }
}

export interface WorkflowUpdate {
  name?: string;
  graph?: WorkflowGraph;
  registrations?: WebhookRegistration[];
  /** The new version's schedules and polls, started at once when the workflow is active. */
  timers?: TimerRegistration[];
}

/** Renames and/or saves a new version; an active workflow's webhooks move to the new version. */
export async function updateWorkflow(db: Db, id: string, update: WorkflowUpdate): Promise<WorkflowWithGraph | undefined> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(workflows)
      .where(and(eq(workflows.id, id), isNull(workflows.deletedAt)))
      .for('update');
    if (!current) return undefined;
    let versionNumber = current.currentVersion;
    if (update.graph) {
      versionNumber += 1;
      const [version] = await tx.insert(workflowVersions).values({ workflowId: id, version: versionNumber, graph: update.graph }).returning();
      if (current.active) {
        await registerWebhooks(tx, id, version!.id, update.registrations ?? []);
        await registerTimers(tx, id, version!.id, update.timers ?? []);
      }
    }
    await tx
      .update(workflows)
      .set({ name: update.name ?? current.name, currentVersion: versionNumber, updatedAt: new Date() })
      .where(eq(workflows.id, id));
    return undefined;
  }).then(() => getWorkflow(db, id));
}

export async function setActive(db: Db, id: string, active: boolean, registrations: WebhookRegistration[], timers: TimerRegistration[] = []): Promise<void> {
  await db.transaction(async (tx) => {
    const [version] = await tx
      .select({ id: workflowVersions.id })
      .from(workflows)
      .innerJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.currentVersion)))
      .where(eq(workflows.id, id))
      .for('update', { of: workflows });
    if (!version) return;
    if (active) await registerWebhooks(tx, id, version.id, registrations);
    else await tx.delete(webhooks).where(eq(webhooks.workflowId, id));
    await registerTimers(tx, id, active ? version.id : null, active ? timers : []);
    await tx.update(workflows).set({ active, updatedAt: new Date() }).where(eq(workflows.id, id));
  });
}

/** Deleted workflows keep their versions and runs (history); their webhooks stop at once. */
export async function deleteWorkflow(db: Db, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.delete(webhooks).where(eq(webhooks.workflowId, id));
    await registerTimers(tx, id, null, []);
    const deleted = await tx
      .update(workflows)
      .set({ deletedAt: sql`now()`, active: false })
      .where(and(eq(workflows.id, id), isNull(workflows.deletedAt)))
      .returning({ id: workflows.id });
    return deleted.length > 0;
  });
}

export async function listVersions(db: Db, workflowId: string): Promise<Omit<WorkflowVersionRow, 'graph'>[]> {
  return db
    .select({ id: workflowVersions.id, workflowId: workflowVersions.workflowId, version: workflowVersions.version, createdAt: workflowVersions.createdAt })
    .from(workflowVersions)
    .where(eq(workflowVersions.workflowId, workflowId))
    .orderBy(desc(workflowVersions.version));
}

export async function getVersion(db: Db, workflowId: string, version: number): Promise<WorkflowVersionRow | undefined> {
  const [row] = await db
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.workflowId, workflowId), eq(workflowVersions.version, version)));
  return row;
}

/** The registrations of a webhook path, in any case (one per method). On the hot path: a prepared statement. */
export async function findWebhook(pool: pg.Pool, path: string): Promise<Pick<WebhookRow, 'method' | 'workflowId' | 'versionId' | 'nodeId'>[]> {
  const result = await pool.query<{ method: string; workflow_id: string; version_id: string; node_id: string }>({
    name: 'junction_find_webhook',
    text: 'select method, workflow_id, version_id, node_id from webhooks where lower(path) = lower($1) order by method',
    values: [path],
  });
  return result.rows.map((row) => ({ method: row.method, workflowId: row.workflow_id, versionId: row.version_id, nodeId: row.node_id }));
}

const graphs = new Map<string, WorkflowGraph>();

/** A version's graph. Versions never change, so each is read from the database once. */
export async function getVersionGraph(db: Db, versionId: string): Promise<WorkflowGraph | undefined> {
  const cached = graphs.get(versionId);
  if (cached) return cached;
  const [row] = await db.select({ graph: workflowVersions.graph }).from(workflowVersions).where(eq(workflowVersions.id, versionId));
  if (!row) return undefined;
  if (graphs.size >= 1000) graphs.delete(graphs.keys().next().value!);
  graphs.set(versionId, row.graph);
  return row.graph;
}

/** Who owns a workflow, deleted or not (runs outlive their workflow). */
export async function getWorkflowOwner(db: Db, id: string): Promise<{ id: string; ownerId: string | null } | undefined> {
  const [row] = await db.select({ id: workflows.id, ownerId: workflows.ownerId }).from(workflows).where(eq(workflows.id, id));
  return row;
}

export async function isSharedWith(db: Db, workflowId: string, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ userId: workflowShares.userId })
    .from(workflowShares)
    .where(and(eq(workflowShares.workflowId, workflowId), eq(workflowShares.userId, userId)));
  return Boolean(row);
}

export async function listShares(db: Db, workflowId: string): Promise<{ id: string; email: string; name: string }[]> {
  return db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(workflowShares)
    .innerJoin(users, eq(users.id, workflowShares.userId))
    .where(eq(workflowShares.workflowId, workflowId))
    .orderBy(users.email);
}

/** Replaces who a workflow is shared with. */
export async function setShares(db: Db, workflowId: string, userIds: string[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(workflowShares).where(eq(workflowShares.workflowId, workflowId));
    if (userIds.length > 0) await tx.insert(workflowShares).values(userIds.map((userId) => ({ workflowId, userId })));
  });
}

/** The workflow version a run executed, with the workflow's name (deleted workflows included: history stays readable). */
export async function getRunWorkflow(db: Db, runId: string): Promise<{ workflowId: string; name: string; version: number; graph: WorkflowGraph } | undefined> {
  const [row] = await db
    .select({ workflowId: workflows.id, name: workflows.name, version: workflowVersions.version, graph: workflowVersions.graph })
    .from(runs)
    .innerJoin(workflowVersions, eq(workflowVersions.id, runs.versionId))
    .innerJoin(workflows, eq(workflows.id, runs.workflowId))
    .where(eq(runs.id, runId));
  return row;
}

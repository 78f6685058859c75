import { and, desc, eq, getTableColumns, gte, inArray, lt, lte, type SQL } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Item, WorkflowGraph } from '@junction/nodes';
import { RUN_TASK } from './jobs.ts';
import { RUN_CANCEL_CHANNEL, RUN_FINISHED_CHANNEL } from './notifications.ts';
import { toJsonb } from '../storable-text.ts';
import type { Db } from '../client.ts';
import { runs, steps, workflows, type RunRow, type RunStatus, type StepRow, type StepStatus } from '../schema.ts';
import { ownedOrSharedWith } from './workflows.ts';
import { VARIABLE_REVISION_SQL } from './variables.ts';
import type { StoredStepRecord } from './checkpoint.ts';
import { runOutputs } from './step-data.ts';

export interface NewRun {
  /** Chosen by the caller when it must know the id before the run exists (to wait for it). */
  id?: string;
  workflowId: string;
  versionId: string;
  triggerNodeId: string;
  mode: 'manual' | 'webhook' | 'retry';
  input: Item[];
  timeoutSeconds: number;
  retryOf?: string;
  /** For a retry: the run whose id makes the idempotency keys (see the schema). */
  idempotencyBase?: string;
  /** Someone waits for the run's end in another process: announce it with NOTIFY. */
  notifyFinish?: boolean;
  /** Someone follows the run live (the editor): publish each step's progress. */
  watched?: boolean;
}

/**
 * Commits runs and their jobs in one statement (one `add_jobs` call, so one NOTIFY for
 * the whole batch): when this returns, the runs cannot be lost, and their triggers may
 * be acknowledged.
 */
export async function insertRuns(pool: pg.Pool | pg.PoolClient, newRuns: NewRun[]): Promise<string[]> {
  const rows = runRows(newRuns);
  await pool.query({
    name: 'junction_insert_runs',
    text: `with input as (${RUN_ROWS}), inserted as (${INSERT_RUNS} from input returning id)
      select count(*) from graphile_worker.add_jobs(array(${JOBS_OF_INSERTED}))`,
    values: [toJsonb(rows)],
  });
  return rows.map((row) => row.id);
}

/** The runs to insert as rows of `RUN_ROWS`' record set. */
function runRows(newRuns: NewRun[]) {
  return newRuns.map((run) => ({
    id: run.id ?? randomUUID(),
    workflow_id: run.workflowId,
    version_id: run.versionId,
    mode: run.mode,
    trigger_node_id: run.triggerNodeId,
    input: run.input,
    timeout_seconds: run.timeoutSeconds,
    retry_of: run.retryOf ?? null,
    idempotency_base: run.idempotencyBase ?? null,
    notify_finish: run.notifyFinish ?? false,
    watched: run.watched ?? false,
  }));
}

/** The runs of $1 (runRows as JSON), then inserting them from `input`, and a job for each inserted one. */
const RUN_ROWS = `select * from jsonb_to_recordset($1::jsonb) as x(id uuid, workflow_id uuid, version_id uuid, mode text,
    trigger_node_id text, input jsonb, timeout_seconds float8, retry_of uuid, idempotency_base uuid, notify_finish boolean, watched boolean)`;
const INSERT_RUNS = `insert into runs (id, workflow_id, version_id, mode, trigger_node_id, input, deadline_at, retry_of, idempotency_base, notify_finish, watched)
    select id, workflow_id, version_id, mode, trigger_node_id, input, now() + make_interval(secs => timeout_seconds),
      retry_of, idempotency_base, notify_finish, watched`;
const JOBS_OF_INSERTED = `select row('${RUN_TASK}', json_build_object('runId', id), null, null, 25, '${RUN_TASK}:' || id, null, null)::graphile_worker.job_spec from inserted`;

/**
 * Commits a signed webhook's run together with its delivery id, in one statement: the id
 * is never marked received without its run. A delivery received before starts nothing
 * and gives the run it started then.
 */
export async function insertDeliveredRun(pool: pg.Pool, run: NewRun, delivery: { scope: string; deliveryId: string }): Promise<{ id: string; duplicate: boolean }> {
  const rows = runRows([run]);
  const result = await pool.query<{ claimed: string | null }>({
    name: 'junction_insert_delivered_run',
    text: `with input as (${RUN_ROWS}),
      claim as (
        insert into webhook_deliveries (scope, delivery_id, run_id) select $2, $3, id from input
        on conflict (scope, delivery_id) do nothing returning run_id
      ), inserted as (${INSERT_RUNS} from input where exists (select 1 from claim) returning id),
      jobs as (select count(*) from graphile_worker.add_jobs(array(${JOBS_OF_INSERTED})))
      select (select run_id::text from claim) as claimed, (select count(*) from jobs) as jobs`,
    values: [toJsonb(rows), delivery.scope, delivery.deliveryId],
  });
  if (result.rows[0]?.claimed) return { id: result.rows[0].claimed, duplicate: false };
  // Received before (maybe a moment ago, by a request that committed while this one waited on it).
  const earlier = await pool.query<{ run_id: string | null }>('select run_id from webhook_deliveries where scope = $1 and delivery_id = $2', [delivery.scope, delivery.deliveryId]);
  return { id: earlier.rows[0]?.run_id ?? '', duplicate: true };
}

/** Commits one run and its job. */
export async function enqueueRun(pool: pg.Pool | pg.PoolClient, run: NewRun): Promise<string> {
  return (await insertRuns(pool, [run]))[0]!;
}

export interface RunListQuery {
  workflowId?: string;
  status?: RunStatus[];
  from?: Date;
  /** Created at or before. */
  to?: Date;
  /** Created strictly before (the end of a whole day). */
  before?: Date;
  limit: number;
  /** `seq` of the last run of the previous page. */
  beforeSeq?: number;
  /** Only runs of workflows this user owns or has been shared; all when absent. */
  visibleTo?: string;
}

export type RunSummary = Omit<
  RunRow,
  'input' | 'output' | 'outputNodeId' | 'leaseOwner' | 'version' | 'notifyFinish' | 'watched' | 'idempotencyBase' | 'firedFor' | 'waitsFor' | 'parentNodeId' | 'parentIndex' | 'depth'
>;

export async function listRuns(db: Db, query: RunListQuery): Promise<RunSummary[]> {
  const conditions: SQL[] = [];
  if (query.workflowId) conditions.push(eq(runs.workflowId, query.workflowId));
  if (query.status?.length) conditions.push(inArray(runs.status, query.status));
  if (query.from) conditions.push(gte(runs.createdAt, query.from));
  if (query.to) conditions.push(lte(runs.createdAt, query.to));
  if (query.before) conditions.push(lt(runs.createdAt, query.before));
  if (query.beforeSeq !== undefined) conditions.push(lt(runs.seq, query.beforeSeq));
  if (query.visibleTo) {
    conditions.push(inArray(runs.workflowId, db.select({ id: workflows.id }).from(workflows).where(ownedOrSharedWith(query.visibleTo))));
  }
  return db
    .select({
      id: runs.id,
      seq: runs.seq,
      workflowId: runs.workflowId,
      versionId: runs.versionId,
      status: runs.status,
      mode: runs.mode,
      triggerNodeId: runs.triggerNodeId,
      error: runs.error,
      retryOf: runs.retryOf,
      parentRunId: runs.parentRunId,
      createdAt: runs.createdAt,
      startedAt: runs.startedAt,
      finishedAt: runs.finishedAt,
      deadlineAt: runs.deadlineAt,
      cancelRequested: runs.cancelRequested,
    })
    .from(runs)
    .where(and(...conditions))
    .orderBy(desc(runs.seq))
    .limit(query.limit);
}

/** A run's row without its input and output (which can be large: run detail previews them, see step-data.ts). */
export type RunHead = Omit<RunRow, 'input' | 'output'>;

/** A run and its steps' rows (their items are stored apart: the rows only name them). */
export async function getRun(db: Db, id: string): Promise<{ run: RunHead; steps: StepRow[] } | undefined> {
  const { input: _input, output: _output, ...columns } = getTableColumns(runs);
  const [run] = await db.select(columns).from(runs).where(eq(runs.id, id));
  if (!run) return undefined;
  const stepRows = await db.select().from(steps).where(eq(steps.runId, id)).orderBy(steps.position);
  return { run, steps: stepRows };
}

/** One step's row of a run. */
export async function getStep(db: Db, runId: string, nodeId: string): Promise<StepRow | undefined> {
  const [step] = await db.select().from(steps).where(and(eq(steps.runId, runId), eq(steps.nodeId, nodeId)));
  return step;
}

/** What a step the run was cancelled under records; the executor writes the same (stopError). */
const CANCELLED_STEP_ERROR = { name: 'Cancelled', message: 'The run was cancelled', retriable: false };

/**
 * Cancels a run. One that no live worker holds (queued, waiting, or left by a worker that
 * died) is cancelled at once, with its unfinished steps; one being executed is flagged,
 * and its worker is told to abort the step in flight.
 */
export async function requestCancel(pool: pg.Pool, id: string): Promise<RunStatus | undefined> {
  const result = await pool.query<{ status: RunStatus }>(
    `with recursive family as (
       -- The run and the sub-workflow runs it started, theirs, and so on: cancelled together.
       select id from runs where id = $1
       union select r.id from runs r join family f on r.parent_run_id = f.id
     ), target as (
       select id, status, parent_run_id, (lease_owner is null or not exists (select 1 from worker_processes w where w.id = runs.lease_owner)) as free
       from runs where id in (select id from family) for update),
     updated as (
       update runs r set
         cancel_requested = true,
         status = case when t.free then 'cancelled' else r.status end,
         finished_at = case when t.free then now() else r.finished_at end,
         lease_owner = case when t.free then null else r.lease_owner end,
         version = case when t.free then r.version + 1 else r.version end
       from target t where r.id = t.id and t.status not in ('succeeded', 'failed', 'cancelled')
       returning r.id, r.status, r.parent_run_id
     ), stopped as (
       -- Cancelled here, with no worker to do it: a step waiting for its retry gets none.
       update steps s set status = 'failed', next_attempt_at = null, finished_at = now(), error = $2::jsonb
       from updated u where s.run_id = u.id and u.status = 'cancelled' and s.status in ('running', 'retrying', 'waiting')
     ), notified as (
       select pg_notify('${RUN_CANCEL_CHANNEL}', u.id::text),
         pg_notify('${RUN_FINISHED_CHANNEL}', json_build_object('id', u.id, 'status', u.status)::text)
       from updated u
     ), parents_woken as (
       -- A sub-workflow's run cancelled here wakes the run that waits for it (which then fails that step).
       select graphile_worker.add_job('${RUN_TASK}', json_build_object('runId', u.parent_run_id), job_key => '${RUN_TASK}:' || u.parent_run_id, max_attempts => 25)
       from updated u where u.status = 'cancelled' and u.parent_run_id is not null and u.parent_run_id not in (select id from family)
     )
     select coalesce((select status from updated where id = $1), (select status from target where id = $1)) as status,
       (select count(*) from notified) as notified, (select count(*) from parents_woken) as parents_woken`,
    [id, JSON.stringify(CANCELLED_STEP_ERROR)],
  );
  return result.rows[0]?.status ?? undefined;
}

/**
 * Starts a new run that re-runs a failed run from its failed steps: the steps that
 * succeeded and do not depend on a failed one keep their recorded results.
 */
export async function enqueueRetry(
  pool: pg.Pool,
  original: RunHead,
  versionId: string,
  keepNodeIds: string[],
  timeoutSeconds: number,
  watched = false,
): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const input = await client.query<{ input: Item[] }>('select input from runs where id = $1', [original.id]);
    const runId = await enqueueRun(client, {
      workflowId: original.workflowId,
      versionId,
      triggerNodeId: original.triggerNodeId,
      mode: 'retry',
      input: input.rows[0]!.input,
      timeoutSeconds,
      retryOf: original.id,
      idempotencyBase: original.idempotencyBase ?? original.id,
      watched,
    });
    await client.query(
      `insert into steps (run_id, node_id, status, attempt, output, error, attempts, position, started_at, finished_at)
       select $1, node_id, status, attempt, output, error, attempts, position, started_at, finished_at
       from steps where run_id = $2 and status = 'succeeded' and node_id = any($3::text[])`,
      [runId, original.id, keepNodeIds],
    );
    // The kept steps' items: the new run has its own copy (a run's data goes with it).
    await client.query(
      `insert into step_data (run_id, hash, count, bytes, items)
       select $1, d.hash, d.count, d.bytes, d.items from step_data d
       where d.run_id = $2 and d.hash in (
         select jsonb_path_query(s.output, '$[*].parts[*].json') #>> '{}' from steps s where s.run_id = $1
         union select jsonb_path_query(s.output, '$[*].parts[*].paired') #>> '{}' from steps s where s.run_id = $1)
       on conflict (run_id, hash) do nothing`,
      [runId, original.id],
    );
    await client.query('commit');
    return runId;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

export interface LastRun {
  workflowId: string;
  id: string;
  status: RunStatus;
  createdAt: Date;
  finishedAt: Date | null;
}

/** The newest run of each workflow (one index probe per workflow, however long the history). */
export async function lastRunsOf(pool: pg.Pool, workflowIds: string[]): Promise<Map<string, LastRun>> {
  if (workflowIds.length === 0) return new Map();
  const result = await pool.query<{ workflow_id: string; id: string; status: RunStatus; created_at: Date; finished_at: Date | null }>(
    `select w.id as workflow_id, r.id, r.status, r.created_at, r.finished_at
     from unnest($1::uuid[]) as w(id)
     join lateral (select id, status, created_at, finished_at from runs where workflow_id = w.id order by seq desc limit 1) r on true`,
    [workflowIds],
  );
  return new Map(
    result.rows.map((row) => [row.workflow_id, { workflowId: row.workflow_id, id: row.id, status: row.status, createdAt: row.created_at, finishedAt: row.finished_at }]),
  );
}

export interface RunSnapshotRow {
  workflowId: string;
  status: RunStatus;
  version: number;
  error: unknown;
  steps: { nodeId: string; status: StepStatus; attempt: number; counts: Record<string, number>; error: { name: string; message: string } | null }[];
}

/** A run's status and its steps' statuses and item counts (not their items): what live views need. */
export async function runSnapshot(pool: pg.Pool, runId: string): Promise<RunSnapshotRow | undefined> {
  const result = await pool.query<RunSnapshotRow>({
    name: 'junction_run_snapshot',
    text: `select r.workflow_id as "workflowId", r.status, r.version, r.error,
        coalesce((select json_agg(json_build_object(
            'nodeId', s.node_id, 'status', s.status, 'attempt', s.attempt,
            'counts', coalesce((select json_object_agg(o->>'port', (o->>'count')::int) from jsonb_array_elements(s.output) o), '{}'::json),
            'error', case when s.error is null then null
              else json_build_object('name', s.error->>'name', 'message', left(s.error->>'message', 500)) end)
          order by s.position) from steps s where s.run_id = r.id), '[]'::json) as steps
      from runs r where r.id = $1`,
    values: [runId],
  });
  return result.rows[0];
}

/** Asks the worker to publish the run's progress from its next checkpoint on. */
export async function watchRun(pool: pg.Pool, runId: string): Promise<void> {
  await pool.query(`update runs set watched = true where id = $1 and not watched and status not in ('succeeded', 'failed', 'cancelled')`, [runId]);
}

/** Cheap check whether a run changed: its status and write counter. */
export async function runVersion(pool: pg.Pool, runId: string): Promise<{ status: RunStatus; version: number } | undefined> {
  const result = await pool.query<{ status: RunStatus; version: number }>({
    name: 'junction_run_version',
    text: 'select status, version from runs where id = $1',
    values: [runId],
  });
  return result.rows[0];
}

/** A run as a worker loads it to execute it: its row, its version's graph, its steps (timestamps as text). */
export interface RunForExecution {
  id: string;
  workflow_id: string;
  workflow_name: string;
  version_id: string;
  version_number: number;
  created_at: Date;
  status: RunStatus;
  trigger_node_id: string;
  idempotency_base: string | null;
  input: Item[];
  deadline_at: Date;
  cancel_requested: boolean;
  notify_finish: boolean;
  watched: boolean;
  version: number;
  graph: WorkflowGraph;
  /** Another live worker process holds its lease. */
  owned_by_other: boolean;
  /** It is queued behind an unfinished run of its workflow (a schedule's overlap policy "queue"). */
  blocked: boolean;
  mode: string;
  /** How deep in sub-workflow calls. */
  depth: number;
  steps: Omit<StoredStepRecord, 'finished_at'>[];
  /** The variables' revision when the run was loaded: its `$vars` are read at this one or later. */
  variables_revision: string;
}

/** One round trip: the run, its version's graph and its steps. */
export async function loadRunForExecution(pool: pg.Pool, runId: string, processId: string): Promise<RunForExecution | undefined> {
  const result = await pool.query<RunForExecution>({
    name: 'junction_load_run',
    text: `select r.id, r.workflow_id, r.version_id, r.status, r.trigger_node_id, r.input, r.deadline_at, r.mode, r.depth,
        r.cancel_requested, r.notify_finish, r.watched, r.version, r.idempotency_base, v.graph, r.created_at, v.version as version_number, w.name as workflow_name,
        (r.lease_owner is not null and r.lease_owner <> $2
          and exists (select 1 from worker_processes w where w.id = r.lease_owner)) as owned_by_other,
        (r.waits_for is not null and exists (select 1 from runs p where p.id = r.waits_for and p.status in ('queued', 'running', 'waiting'))) as blocked,
        coalesce((select json_agg(json_build_object(
            'node_id', s.node_id, 'status', s.status, 'attempt', s.attempt, 'output', s.output, 'error', s.error,
            'attempts', s.attempts, 'position', s.position, 'started_at', s.started_at, 'next_attempt_at', s.next_attempt_at, 'wait', s.wait))
          from steps s where s.run_id = r.id), '[]') as steps,
        ${VARIABLE_REVISION_SQL} as variables_revision
      from runs r join workflow_versions v on v.id = r.version_id join workflows w on w.id = r.workflow_id where r.id = $1`,
    values: [runId, processId],
  });
  return result.rows[0];
}

/** Brings a run's job back at `at` (a run queued behind another looks again then). */
export async function postponeRun(pool: pg.Pool, runId: string, at: Date): Promise<void> {
  await pool.query(
    `select graphile_worker.add_job('${RUN_TASK}', json_build_object('runId', $1::text), run_at => $2::timestamptz, job_key => '${RUN_TASK}:' || $1, max_attempts => 25)`,
    [runId, at.toISOString()],
  );
}

/** The ids of a workflow's runs that have not finished (queued, running, waiting). */
export async function unfinishedRunsOf(pool: pg.Pool, workflowId: string): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(`select id from runs where workflow_id = $1 and status not in ('succeeded', 'failed', 'cancelled')`, [workflowId]);
  return rows.map((row) => row.id);
}

/** A finished run's answer, as a webhook that waited for it gives it (its output step's items, read from its step data). */
export async function runOutcome(pool: pg.Pool, runId: string): Promise<{ status: string; output: Item[] | null; error: { message?: string } | null } | undefined> {
  const result = await pool.query<{ status: string; error: { message?: string } | null }>('select status, error from runs where id = $1', [runId]);
  const row = result.rows[0];
  if (!row) return undefined;
  const output = row.status === 'succeeded' ? ((await runOutputs(pool, [runId])).get(runId) ?? null) : null;
  return { ...row, output };
}

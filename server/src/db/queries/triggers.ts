/**
 * Timed triggers (schedules, polls): their registrations while a workflow is active, the
 * job that brings each back at its next firing, and the runs a firing starts — one per
 * trigger and instant, however often the job runs.
 */
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Item, WorkflowGraph } from '@junction/nodes';
import type { Db } from '../client.ts';
import { toJsonb } from '../storable-text.ts';
import { RUN_TASK } from './jobs.ts';

/** The graphile-worker task that fires a timed trigger. */
export const TRIGGER_TASK = 'trigger';
export const triggerJobKey = (workflowId: string, nodeId: string) => `${TRIGGER_TASK}:${workflowId}:${nodeId}`;

export interface TimerRegistration {
  nodeId: string;
  kind: 'schedule' | 'poll';
  /** Its first firing. */
  firstAt: Date;
}

/** What a trigger job carries. */
export interface TriggerJob {
  workflowId: string;
  nodeId: string;
  versionId: string;
  /** The instant this job fires for. */
  at: string;
}

type Queryable = Pick<pg.PoolClient, 'query'>;
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Replaces a workflow's timers (in the caller's transaction): old jobs go, each timer gets a job at its first firing. */
export async function registerTimers(tx: Tx, workflowId: string, versionId: string | null, timers: TimerRegistration[]): Promise<void> {
  await tx.execute(sql`with old as (delete from trigger_timers where workflow_id = ${workflowId} returning node_id)
    select graphile_worker.remove_job(${`${TRIGGER_TASK}:${workflowId}:`} || node_id) from old`);
  if (!versionId || timers.length === 0) return;
  const rows = JSON.stringify(timers.map((t) => ({ node_id: t.nodeId, kind: t.kind, first_at: t.firstAt.toISOString() })));
  await tx.execute(sql`with timer as (
      insert into trigger_timers (workflow_id, node_id, version_id, kind, next_at)
      select ${workflowId}, t.node_id, ${versionId}, t.kind, t.first_at from jsonb_to_recordset(${rows}::jsonb) as t(node_id text, kind text, first_at timestamptz)
      returning node_id, next_at
    )
    select graphile_worker.add_job(${TRIGGER_TASK},
      json_build_object('workflowId', ${workflowId}::text, 'nodeId', node_id, 'versionId', ${versionId}::text, 'at', next_at),
      run_at => next_at, job_key => ${`${TRIGGER_TASK}:${workflowId}:`} || node_id, max_attempts => 25)
    from timer`);
}

export interface TimerRow {
  workflowId: string;
  nodeId: string;
  versionId: string;
  kind: 'schedule' | 'poll';
  nextAt: Date;
  lastFiredAt: Date | null;
  lastError: string | null;
}

/** The workflow's timers (for the API's next firings). */
export async function timersOf(pool: pg.Pool, workflowId: string): Promise<TimerRow[]> {
  const result = await pool.query<TimerRow>(
    `select workflow_id as "workflowId", node_id as "nodeId", version_id as "versionId", kind, next_at as "nextAt", last_fired_at as "lastFiredAt", last_error as "lastError"
     from trigger_timers where workflow_id = $1`,
    [workflowId],
  );
  return result.rows;
}

/** Locks a timer for its firing (in the caller's transaction); undefined when it is gone or moved to another version. */
export async function lockTimer(client: Queryable, job: TriggerJob, lock = true): Promise<(TimerRow & { graph: WorkflowGraph }) | undefined> {
  const result = await client.query<TimerRow & { graph: WorkflowGraph }>(
    `select t.workflow_id as "workflowId", t.node_id as "nodeId", t.version_id as "versionId", t.kind, t.next_at as "nextAt",
        t.last_fired_at as "lastFiredAt", t.last_error as "lastError", v.graph
     from trigger_timers t join workflow_versions v on v.id = t.version_id
     where t.workflow_id = $1 and t.node_id = $2 and t.version_id = $3${lock ? ' for update of t' : ''}`,
    [job.workflowId, job.nodeId, job.versionId],
  );
  return result.rows[0];
}

/** The newest unfinished run of a workflow, if any (a schedule's overlap policy). */
export async function unfinishedRunOf(client: Queryable, workflowId: string): Promise<string | undefined> {
  const result = await client.query<{ id: string }>(
    `select id from runs where workflow_id = $1 and status in ('queued', 'running', 'waiting') order by seq desc limit 1`,
    [workflowId],
  );
  return result.rows[0]?.id;
}

export interface FiredRun {
  id: string;
  workflowId: string;
  versionId: string;
  triggerNodeId: string;
  mode: 'schedule' | 'poll';
  input: Item[];
  timeoutSeconds: number;
  /** The instant a schedule fired for (one run each); none for a poll's runs. */
  firedFor: Date | null;
  waitsFor?: string;
}

/**
 * Inserts runs of firings with their jobs; a run for an instant its trigger already
 * fired for is not inserted again. Returns the ids of the runs inserted.
 */
export async function insertFiredRuns(client: Queryable, fired: FiredRun[]): Promise<string[]> {
  if (fired.length === 0) return [];
  const result = await client.query<{ id: string }>(
    `with input as (
       select * from jsonb_to_recordset($1::jsonb) as x(id uuid, workflow_id uuid, version_id uuid, mode text, trigger_node_id text,
         input jsonb, timeout_seconds float8, fired_for timestamptz, waits_for uuid)
     ), inserted as (
       insert into runs (id, workflow_id, version_id, mode, trigger_node_id, input, deadline_at, fired_for, waits_for)
       select id, workflow_id, version_id, mode, trigger_node_id, input, now() + make_interval(secs => timeout_seconds), fired_for, waits_for
       from input
       on conflict (workflow_id, trigger_node_id, fired_for) where fired_for is not null do nothing
       returning id
     ), jobs as (
       select graphile_worker.add_jobs(array(
         select row('${RUN_TASK}', json_build_object('runId', id), null, null, 25, '${RUN_TASK}:' || id, null, null)::graphile_worker.job_spec
         from inserted))
     )
     select id from inserted where (select count(*) from jobs) >= 0`,
    [
      toJsonb(
        fired.map((run) => ({
          id: run.id,
          workflow_id: run.workflowId,
          version_id: run.versionId,
          mode: run.mode,
          trigger_node_id: run.triggerNodeId,
          input: run.input,
          timeout_seconds: run.timeoutSeconds,
          fired_for: run.firedFor?.toISOString() ?? null,
          waits_for: run.waitsFor ?? null,
        })),
      ),
    ],
  );
  return result.rows.map((row) => row.id);
}

/** Records the firing and brings the timer's job back at its next firing (in the caller's transaction). */
export async function scheduleNextFiring(client: Queryable, job: TriggerJob, next: Date, firedAt: Date | null, lastError: string | null = null): Promise<void> {
  await client.query(
    `with timer as (
       update trigger_timers set next_at = $4, last_fired_at = coalesce($5, last_fired_at), last_error = $6
       where workflow_id = $1 and node_id = $2 and version_id = $3 returning 1
     )
     select graphile_worker.add_job('${TRIGGER_TASK}',
       json_build_object('workflowId', $1::text, 'nodeId', $2::text, 'versionId', $3::text, 'at', $4::timestamptz),
       run_at => $4, job_key => '${TRIGGER_TASK}:' || $1 || ':' || $2, max_attempts => 25)
     from timer`,
    [job.workflowId, job.nodeId, job.versionId, next.toISOString(), firedAt?.toISOString() ?? null, lastError],
  );
}

/**
 * The checkpoint: one SQL statement, so one round trip and one commit, that
 *
 * 1. takes or keeps the run's lease — only if nobody wrote the run since we read it
 *    (`version`) and its lease is free, ours, or held by a dead worker process;
 * 2. upserts the steps' results;
 * 3. optionally enqueues the run's next job (a retry after backoff, a hand-back);
 * 4. when the run is over and a webhook in another process waits for it, notifies it.
 *
 * If the statement changes no run row, this worker lost the run to another and must
 * stop: that is what makes checkpoints exactly-once.
 */
import type pg from 'pg';
import type { Item, RunStatus, StepErrorRecord, StepRecord } from '@junction/nodes';
import { toJsonb } from '../storable-text.ts';
import { RUN_TASK } from './jobs.ts';
import { RUN_FINISHED_CHANNEL } from './notifications.ts';

/** NOTIFY payloads must stay under 8000 bytes; bigger outputs are read from the run row. */
const NOTIFY_OUTPUT_LIMIT = 3500;

export interface CheckpointRequest {
  runId: string;
  owner: string;
  expectedVersion: number;
  status: RunStatus;
  steps: StepRecord[];
  /** Give the lease up (run finished, waiting, or handed back). */
  release: boolean;
  finished: boolean;
  output?: Item[] | null;
  error?: (StepErrorRecord & { nodeId?: string }) | null;
  /** Enqueue the run's job to run at this time. */
  scheduleAt?: Date | null;
  /** Largest JSON one step's record may be; a bigger one throws StepDataTooLarge before anything is sent. */
  stepDataLimit: number;
  /** Announce the end with NOTIFY (only when someone in another process waits for it). */
  notify?: boolean;
  /** A new time limit for the run (its clock starts again when it wakes from a wait). */
  deadlineAt?: Date | null;
  /** A failed run's error workflow: a run of it starts in this commit, with this input. */
  errorRun?: { workflowId: string; input: Item[] } | null;
}

export interface CheckpointResult {
  committed: boolean;
  version: number;
  cancelRequested: boolean;
  /** Someone started following the run live (see progress.ts). */
  watched: boolean;
}

const CHECKPOINT_SQL = `
with claimed as (
  update runs set
    version = version + 1,
    lease_owner = case when $5::boolean then null else $2 end,
    status = $4,
    -- The run started when its first step did (pure steps are written later, together).
    started_at = coalesce(started_at,
      (select min((s->>'started_at')::timestamptz) from jsonb_array_elements($9::jsonb) s), now()),
    finished_at = case when $6::boolean then now() else finished_at end,
    output = coalesce($7::jsonb, output),
    error = coalesce($8::jsonb, error),
    deadline_at = coalesce($12::timestamptz, deadline_at)
  where id = $1 and version = $3
    and (lease_owner is null or lease_owner = $2
      or not exists (select 1 from worker_processes w where w.id = runs.lease_owner))
  returning id, version, cancel_requested, watched, parent_run_id
), written as (
  insert into steps (run_id, node_id, status, attempt, output, error, attempts, position, started_at, finished_at, next_attempt_at, wait)
  select c.id, s.node_id, s.status, s.attempt, s.output, s.error, s.attempts, s.position, s.started_at, s.finished_at, s.next_attempt_at, s.wait
  from claimed c, jsonb_to_recordset($9::jsonb) as s(
    node_id text, status text, attempt int, output jsonb, error jsonb, attempts jsonb, position int,
    started_at timestamptz, finished_at timestamptz, next_attempt_at timestamptz, wait jsonb)
  on conflict (run_id, node_id) do update set
    status = excluded.status, attempt = excluded.attempt, output = excluded.output, error = excluded.error,
    attempts = excluded.attempts, position = excluded.position, started_at = excluded.started_at,
    finished_at = excluded.finished_at, next_attempt_at = excluded.next_attempt_at, wait = excluded.wait
  returning 1
), scheduled as (
  -- A wake-up that came while the run was executing (a sub-workflow's run ended) is already
  -- waiting as the run's job: it keeps its time, rather than being pushed back to this one.
  select graphile_worker.add_job('${RUN_TASK}', json_build_object('runId', c.id), run_at => $10::timestamptz,
    job_key => '${RUN_TASK}:' || c.id, max_attempts => 25, job_key_mode => 'preserve_run_at')
  from claimed c where $10::timestamptz is not null
), notified as (
  select pg_notify('${RUN_FINISHED_CHANNEL}', json_build_object(
    'id', c.id, 'status', $4::text,
    -- A waiting webhook answers from the notification itself when the output fits in it.
    'output', case when octet_length($7::text) < ${NOTIFY_OUTPUT_LIMIT} then $7::jsonb end,
    'error', case when octet_length($8::text) < ${NOTIFY_OUTPUT_LIMIT} then $8::jsonb end,
    'complete', coalesce(octet_length($7::text), 0) < ${NOTIFY_OUTPUT_LIMIT} and coalesce(octet_length($8::text), 0) < ${NOTIFY_OUTPUT_LIMIT})::text)
  from claimed c where $11::boolean
), error_target as (
  -- A failed run whose workflow names an error workflow starts a run of it, in this same commit.
  select w.id as workflow_id, v.id as version_id,
    (select n->>'id' from jsonb_array_elements(v.graph->'nodes') n where n->>'type' = 'trigger.error' limit 1) as node_id,
    coalesce((v.graph->'settings'->>'timeoutSeconds')::float8, 3600) as timeout_seconds
  from claimed c, workflows w join workflow_versions v on v.workflow_id = w.id and v.version = w.current_version
  where $13::uuid is not null and w.id = $13::uuid and w.deleted_at is null
), error_run as (
  insert into runs (workflow_id, version_id, mode, trigger_node_id, input, deadline_at)
  select workflow_id, version_id, 'error', node_id, $14::jsonb, now() + make_interval(secs => timeout_seconds)
  from error_target where node_id is not null
  returning id
), error_job as (
  select graphile_worker.add_job('${RUN_TASK}', json_build_object('runId', e.id), job_key => '${RUN_TASK}:' || e.id, max_attempts => 25)
  from error_run e
), parent_woken as (
  -- A sub-workflow's run that ends wakes the run that waits for it.
  select graphile_worker.add_job('${RUN_TASK}', json_build_object('runId', c.parent_run_id), job_key => '${RUN_TASK}:' || c.parent_run_id, max_attempts => 25)
  from claimed c where $6::boolean and c.parent_run_id is not null
)
select c.version, c.cancel_requested, c.watched,
  (select count(*) from written) as written, (select count(*) from scheduled) as scheduled,
  (select count(*) from notified) as notified, (select count(*) from error_job) as error_runs,
  (select count(*) from parent_woken) as parents_woken
from claimed c`;

/**
 * A step's record is more JSON than a step may keep (JUNCTION_STEP_DATA_LIMIT). It
 * carries PostgreSQL's code for a size limit, so it is handled as PostgreSQL's own
 * refusal would be — and refused before hundreds of megabytes travel to be refused there.
 */
export class StepDataTooLarge extends Error {
  override name = 'StepDataTooLarge';
  readonly code = '54000';
  readonly nodeId: string;
  constructor(nodeId: string, bytes: number, limit: number) {
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    super(`it is ${mb(bytes)} of data, more than the ${mb(limit)} a step may keep (JUNCTION_STEP_DATA_LIMIT)`);
    this.nodeId = nodeId;
  }
}

/** The steps as one jsonb array, each step's record measured on the way. */
function stepsJson(steps: readonly StepRecord[], limit: number): string {
  return `[${steps
    .map((step) => {
      const text = toJsonb(step);
      // A UTF-16 unit is at most 3 bytes of UTF-8: shorter text cannot be over the limit.
      if (text.length * 3 > limit) {
        const bytes = Buffer.byteLength(text);
        if (bytes > limit) throw new StepDataTooLarge(step.node_id, bytes, limit);
      }
      return text;
    })
    .join(',')}]`;
}

export async function checkpoint(pool: pg.Pool, request: CheckpointRequest): Promise<CheckpointResult> {
  const result = await pool.query<{ version: number; cancel_requested: boolean; watched: boolean }>({
    name: 'junction_checkpoint',
    text: CHECKPOINT_SQL,
    values: [
      request.runId,
      request.owner,
      request.expectedVersion,
      request.status,
      request.release,
      request.finished,
      request.output === undefined || request.output === null ? null : toJsonb(request.output),
      request.error ? toJsonb(request.error) : null,
      stepsJson(request.steps, request.stepDataLimit),
      request.scheduleAt ?? null,
      Boolean(request.finished && request.notify),
      request.deadlineAt ?? null,
      request.errorRun?.workflowId ?? null,
      request.errorRun ? toJsonb(request.errorRun.input) : null,
    ],
  });
  const row = result.rows[0];
  if (!row) return { committed: false, version: request.expectedVersion, cancelRequested: false, watched: false };
  return { committed: true, version: row.version, cancelRequested: row.cancel_requested, watched: row.watched };
}

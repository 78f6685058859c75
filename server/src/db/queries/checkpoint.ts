/**
 * The checkpoint: one transaction — for small data one SQL statement, so one round trip
 * and one commit — that
 *
 * 1. takes or keeps the run's lease — only if nobody wrote the run since we read it
 *    (`version`) and its lease is free, ours, or held by a dead worker process;
 * 2. upserts the steps' records, and writes the chunks of their items (step-data.ts) that
 *    the run does not have yet;
 * 3. optionally enqueues the run's next job (a retry after backoff, a hand-back);
 * 4. when the run is over and a webhook in another process waits for it, notifies it.
 *
 * If the statement changes no run row, this worker lost the run to another and must
 * stop: that is what makes checkpoints exactly-once. A step's items are committed in the
 * same transaction as its record, never before or after it.
 */
import type pg from 'pg';
import type { Item, RunStatus, StepErrorRecord, StepRecord } from '@junction/nodes';
import { toJsonb } from '../storable-text.ts';
import { StepDataTooLarge, type Chunk, type StoredOutput } from '../step-data.ts';
import { RUN_TASK } from './jobs.ts';
import { RUN_FINISHED_CHANNEL } from './notifications.ts';
import { chunkRecords, INSERT_CHUNKS, writeChunks } from './step-data.ts';

export { StepDataTooLarge } from '../step-data.ts';

/** NOTIFY payloads must stay under 8000 bytes; bigger outputs are read from the run row. */
const NOTIFY_OUTPUT_LIMIT = 3500;

/** A step's record as its row keeps it: its items stored apart, the row naming their chunks. */
export type StoredStepRecord = Omit<StepRecord, 'output'> & { output: StoredOutput | null };

/** Chunks of JSON written in the checkpoint's own statement; more go in statements of their own, in its transaction. */
const INLINE_CHUNK_CHARS = 1024 * 1024;

export interface CheckpointRequest {
  runId: string;
  owner: string;
  expectedVersion: number;
  status: RunStatus;
  steps: StoredStepRecord[];
  /** The new chunks of the steps' items (those the run does not have yet), by step. */
  chunks: ReadonlyMap<string, readonly Chunk[]>;
  /** Bytes of each step's items (all its chunks): counted against the step data limit with its record. */
  outputBytes: ReadonlyMap<string, number>;
  /** Give the lease up (run finished, waiting, or handed back). */
  release: boolean;
  finished: boolean;
  /** The step whose items are the run's output, and those items when they are at hand (a waiting webhook answers from the notification when they are small). */
  output?: { nodeId: string; items: Item[] | null } | null;
  error?: (StepErrorRecord & { nodeId?: string }) | null;
  /** Enqueue the run's job to run at this time. */
  scheduleAt?: Date | null;
  /** Largest JSON one step's record and items may be; a bigger one throws StepDataTooLarge before anything is sent. */
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
    output_node_id = coalesce($15, output_node_id),
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
), stored as (
  ${INSERT_CHUNKS('claimed', '$16')}
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
    'complete', $17::boolean and coalesce(octet_length($8::text), 0) < ${NOTIFY_OUTPUT_LIMIT})::text)
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
  (select count(*) from written) as written, (select count(*) from stored) as stored, (select count(*) from scheduled) as scheduled,
  (select count(*) from notified) as notified, (select count(*) from error_job) as error_runs,
  (select count(*) from parent_woken) as parents_woken
from claimed c`;

/** The steps as one jsonb array, each step's record (with its items' bytes) measured on the way. */
function stepsJson(steps: readonly StoredStepRecord[], outputBytes: ReadonlyMap<string, number>, limit: number): string {
  return `[${steps
    .map((step) => {
      const text = toJsonb(step);
      const items = outputBytes.get(step.node_id) ?? 0;
      // A UTF-16 unit is at most 3 bytes of UTF-8: shorter text cannot be over the limit.
      if (text.length * 3 + items > limit) {
        const bytes = Buffer.byteLength(text) + items;
        if (bytes > limit) throw new StepDataTooLarge(step.node_id, bytes, limit);
      }
      return text;
    })
    .join(',')}]`;
}

export async function checkpoint(pool: pg.Pool, request: CheckpointRequest): Promise<CheckpointResult> {
  const steps = stepsJson(request.steps, request.outputBytes, request.stepDataLimit);
  const chunks = [...request.chunks.values()].flat();
  const chars = chunks.reduce((sum, chunk) => sum + chunk.text.length, 0);
  const small = request.output?.items && JSON.stringify(request.output.items).length < NOTIFY_OUTPUT_LIMIT ? request.output.items : null;
  const values = [
    request.runId,
    request.owner,
    request.expectedVersion,
    request.status,
    request.release,
    request.finished,
    small ? toJsonb(small) : null,
    request.error ? toJsonb(request.error) : null,
    steps,
    request.scheduleAt ?? null,
    Boolean(request.finished && request.notify),
    request.deadlineAt ?? null,
    request.errorRun?.workflowId ?? null,
    request.errorRun ? toJsonb(request.errorRun.input) : null,
    request.output?.nodeId ?? null,
  ];
  // The notification is complete when it carries the output, or there is none.
  const complete = !request.output || small !== null;
  if (chars <= INLINE_CHUNK_CHARS) {
    const result = await pool.query<CheckpointRow>({ name: 'junction_checkpoint', text: CHECKPOINT_SQL, values: [...values, chunks.length > 0 ? chunkRecords(chunks) : null, complete] });
    return resultOf(request, result.rows[0]);
  }
  // Much data: the record first (which takes the lease, or finds it lost), then the items
  // a few megabytes per statement, step by step — all committed together or not at all.
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await client.query<CheckpointRow>({ name: 'junction_checkpoint', text: CHECKPOINT_SQL, values: [...values, null, complete] });
    if (!result.rows[0]) {
      await client.query('rollback');
      return resultOf(request, undefined);
    }
    for (const [nodeId, stepChunks] of request.chunks) await writeChunks(client, request.runId, nodeId, stepChunks);
    await client.query('commit');
    return resultOf(request, result.rows[0]);
  } catch (error) {
    await client.query('rollback').catch(() => undefined /* the connection is gone: nothing was committed */);
    throw error;
  } finally {
    client.release();
  }
}

interface CheckpointRow {
  version: number;
  cancel_requested: boolean;
  watched: boolean;
}

function resultOf(request: CheckpointRequest, row: CheckpointRow | undefined): CheckpointResult {
  if (!row) return { committed: false, version: request.expectedVersion, cancelRequested: false, watched: false };
  return { committed: true, version: row.version, cancelRequested: row.cancel_requested, watched: row.watched };
}

/**
 * Sub-workflow runs: started by a step of another run (logic.subflow), one per call,
 * keyed by the calling run, step and call — so a step run again after a crash starts no
 * second set — and read back when they have all finished.
 */
import type pg from 'pg';
import { NonRetriableError, type Item, type RunStatus } from '@junction/nodes';
import { toJsonb } from '../storable-text.ts';
import { RUN_TASK } from './jobs.ts';
import { runOutputs } from './step-data.ts';

export interface SubflowParent {
  runId: string;
  nodeId: string;
  /** The depth the new runs have (the caller's plus one). */
  depth: number;
}

/** Starts a run of `workflowId` for each batch of items (or finds those started before); their ids in call order. */
export async function startSubflowRuns(pool: pg.Pool, parent: SubflowParent, workflowId: string, batches: Item[][]): Promise<string[]> {
  const result = await pool.query<{ found: boolean; node_id: string | null }>(
    `with target as (
       select w.id as workflow_id, v.id as version_id,
         (select n->>'id' from jsonb_array_elements(v.graph->'nodes') n where n->>'type' = 'trigger.subflow' limit 1) as node_id,
         coalesce((v.graph->'settings'->>'timeoutSeconds')::float8, 3600) as timeout_seconds
       from workflows w join workflow_versions v on v.workflow_id = w.id and v.version = w.current_version
       where w.id = $1 and w.deleted_at is null
     ), calls as (
       select (ordinality - 1)::int as idx, value as items from jsonb_array_elements($2::jsonb) with ordinality
     ), inserted as (
       insert into runs (workflow_id, version_id, mode, trigger_node_id, input, deadline_at, parent_run_id, parent_node_id, parent_index, depth)
       select t.workflow_id, t.version_id, 'subflow', t.node_id, c.items, now() + make_interval(secs => t.timeout_seconds), $3, $4, c.idx, $5
       from target t, calls c where t.node_id is not null
       on conflict (parent_run_id, parent_node_id, parent_index) where parent_run_id is not null do nothing
       returning id
     ), jobs as (
       select count(*) from graphile_worker.add_jobs(array(
         select row('${RUN_TASK}', json_build_object('runId', id), null, null, 25, '${RUN_TASK}:' || id, null, null)::graphile_worker.job_spec from inserted))
     )
     select exists (select 1 from target) as found, (select node_id from target) as node_id, (select * from jobs) >= 0 as started`,
    [workflowId, toJsonb(batches), parent.runId, parent.nodeId, parent.depth],
  );
  const row = result.rows[0]!;
  if (!row.found) throw new NonRetriableError(`The sub-workflow ${workflowId} does not exist, or was deleted`);
  if (!row.node_id) throw new NonRetriableError(`The sub-workflow ${workflowId} has no "When called by another workflow" trigger to start at`);
  const runs = await pool.query<{ id: string }>('select id from runs where parent_run_id = $1 and parent_node_id = $2 order by parent_index', [parent.runId, parent.nodeId]);
  return runs.rows.map((run) => run.id);
}

export interface SubflowResult {
  id: string;
  status: RunStatus;
  output: Item[] | null;
  error: { name: string; message: string } | null;
}

export async function subflowResults(pool: pg.Pool, runIds: string[]): Promise<SubflowResult[]> {
  const result = await pool.query<Omit<SubflowResult, 'output'>>('select id, status, error from runs where id = any($1::uuid[])', [runIds]);
  const outputs = await runOutputs(pool, runIds);
  return result.rows.map((row) => ({ ...row, output: outputs.get(row.id) ?? null }));
}

/** True when every one of the runs has finished. */
export async function runsFinished(pool: pg.Pool, runIds: string[]): Promise<boolean> {
  const result = await pool.query<{ open: number }>(
    `select count(*)::int as open from runs where id = any($1::uuid[]) and status in ('queued', 'running', 'waiting')`,
    [runIds],
  );
  return result.rows[0]!.open === 0;
}

/**
 * Steps that wait for a call (an approval link, a form, a system's callback): reading
 * one for its resume page, and resuming it — once — with what the caller sent.
 */
import type pg from 'pg';
import type { Resumption, RunStatus, StepStatus, StepWaitRecord } from '@junction/nodes';
import { RUN_TASK } from './jobs.ts';

export interface WaitingStep {
  runStatus: RunStatus;
  status: StepStatus;
  wait: StepWaitRecord | null;
  workflowName: string;
  /** The node's name in the version the run executes. */
  nodeName: string | null;
}

export async function waitingStep(pool: pg.Pool, runId: string, nodeId: string): Promise<WaitingStep | undefined> {
  const result = await pool.query<WaitingStep>(
    `select r.status as "runStatus", s.status, s.wait, w.name as "workflowName",
        (select n->>'name' from jsonb_array_elements(v.graph->'nodes') n where n->>'id' = s.node_id) as "nodeName"
     from steps s join runs r on r.id = s.run_id join workflows w on w.id = r.workflow_id join workflow_versions v on v.id = r.version_id
     where s.run_id = $1 and s.node_id = $2`,
    [runId, nodeId],
  );
  return result.rows[0];
}

export type ResumeResult = 'resumed' | 'unknown' | 'not_waiting' | 'expired';

/**
 * Records the resumption on the waiting step and brings the run's job forward, in one
 * statement: of two calls, one resumes and the other is told the step no longer waits.
 */
export async function resumeStep(pool: pg.Pool, runId: string, nodeId: string, resumption: Resumption): Promise<ResumeResult> {
  const result = await pool.query<{ found: boolean; resumed: boolean; expired: boolean }>(
    `with target as (
       select s.run_id, s.status, s.wait, r.status as run_status from steps s join runs r on r.id = s.run_id
       where s.run_id = $1 and s.node_id = $2 for update of s
     ), updated as (
       update steps s set wait = s.wait || jsonb_build_object('resumed', $3::jsonb)
       from target t
       where s.run_id = t.run_id and s.node_id = $2 and t.status = 'waiting' and t.run_status = 'waiting'
         and t.wait->'resumed' is null and (t.wait->>'resumable')::boolean
         and (t.wait->>'until' is null or (t.wait->>'until')::timestamptz > now())
       returning s.run_id
     ), scheduled as (
       select graphile_worker.add_job('${RUN_TASK}', json_build_object('runId', u.run_id), job_key => '${RUN_TASK}:' || u.run_id, max_attempts => 25)
       from updated u
     )
     select exists (select 1 from target) as found,
       (select count(*) from updated) + 0 * (select count(*) from scheduled) > 0 as resumed,
       exists (select 1 from target t where t.status = 'waiting' and t.wait->>'until' is not null and (t.wait->>'until')::timestamptz <= now()) as expired`,
    [runId, nodeId, JSON.stringify(resumption)],
  );
  const row = result.rows[0]!;
  if (!row.found) return 'unknown';
  if (row.resumed) return 'resumed';
  return row.expired ? 'expired' : 'not_waiting';
}

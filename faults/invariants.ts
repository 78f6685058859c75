/**
 * What must hold after a scenario, read from the database directly and from the ERP's
 * ledger and the storefront's record of deliveries:
 *
 * - lost: an acknowledged run that does not exist; or a delivery refused as a replay
 *   ("received before") although no run has it — the sender can never get it in;
 * - stuck: a run still queued, running or waiting once the settle period is over;
 * - unexpected: a finished run whose status is not the one its workflow intends;
 * - duplicate checkpoints: more than one step row for a (run, node); or a step that ran
 *   again after its checkpoint — a request reached the ERP with the step's key after the
 *   result the step's row records was produced;
 * - duplicate effects: two different idempotency keys at the ERP for one order (two runs
 *   acted on it); repeats of one key are allowed (at-least-once for the step in flight)
 *   and only counted;
 * - hidden re-runs: the ERP saw a step's key more often than the step's history shows
 *   attempts — run history hides that the step ran again;
 * - ledger mismatches: a run whose ERP step succeeded without its key in the ledger, or a
 *   key in the ledger that belongs to no run.
 */
import type pg from 'pg';
import type { Erp } from './erp.ts';
import type { Delivery } from './load.ts';
import type { FlowUnderTest } from './workflows.ts';

const UNFINISHED = ['queued', 'running', 'waiting'];

export interface Violation {
  kind: 'lost' | 'stuck' | 'unexpected' | 'duplicateCheckpoint' | 'duplicateEffect' | 'hiddenRerun' | 'ledgerMismatch';
  what: string;
}

export interface Findings {
  deliveries: number;
  acknowledged: number;
  refused: number;
  runs: number;
  byStatus: Record<string, number>;
  lost: number;
  stuck: number;
  unexpected: number;
  duplicateCheckpoints: number;
  duplicateEffects: number;
  keyRepeats: number;
  hiddenReruns: number;
  ledgerMismatches: number;
  /** How long it took for every run to finish (or the settle limit). */
  settledInMs: number;
  violations: Violation[];
}

interface RunRow {
  id: string;
  workflow_id: string;
  status: string;
  key_base: string;
  input: Record<string, unknown> | null;
  error: { message?: string; nodeId?: string } | null;
}

interface StepRow {
  run_id: string;
  node_id: string;
  status: string;
  rows: number;
  attempts: number;
  finished_at: Date | null;
}

/**
 * Waits until no run of `flows` is unfinished. Gives up when nothing has moved for
 * `idleMs` (no run finished or checkpointed) and no run's job is waiting for a later
 * time (graphile-worker's back-off after a failed attempt) — whatever is left then is
 * stuck — or after `limitMs` in all. Returns the time it took.
 */
export async function settle(db: pg.Pool, flows: FlowUnderTest[], limitMs: number, idleMs = 20_000): Promise<number> {
  const started = Date.now();
  let last = '';
  let lastMoved = started;
  let dueAt = 0;
  for (;;) {
    const result = await db
      .query<{ n: number; versions: string; due_at: Date | null }>(
        `with unfinished as (select id, version from runs where workflow_id = any($1::uuid[]) and status = any($2::text[]))
         select (select count(*)::int from unfinished) as n, (select coalesce(sum(version), 0)::text from unfinished) as versions,
           (select max(j.run_at) from graphile_worker._private_jobs j where j.locked_at is null
              and j.payload->>'runId' in (select id::text from unfinished)) as due_at`,
        [flows.map((f) => f.id), UNFINISHED],
      )
      .catch(() => null); // PostgreSQL still restarting: ask again
    const now = Date.now();
    if (result) {
      const { n, versions, due_at } = result.rows[0]!;
      if (n === 0) return now - started;
      if (`${n}/${versions}` !== last) {
        last = `${n}/${versions}`;
        lastMoved = now;
      }
      dueAt = due_at ? due_at.getTime() : 0;
    }
    if (now - started > limitMs || now - Math.max(lastMoved, dueAt) > idleMs) return now - started;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function check(db: pg.Pool, flows: FlowUnderTest[], erp: Erp, deliveries: Delivery[], settledInMs: number): Promise<Findings> {
  const violations: Violation[] = [];
  const flowIds = flows.map((f) => f.id);
  const runs = (
    await db.query<RunRow>(
      `select id, workflow_id, status, coalesce(idempotency_base, id)::text as key_base, input->0->'json' as input, error
       from runs where workflow_id = any($1::uuid[])`,
      [flowIds],
    )
  ).rows;
  const steps = (
    await db.query<StepRow>(
      `select s.run_id, s.node_id, min(s.status) as status, count(*)::int as rows,
         max(jsonb_array_length(s.attempts))::int as attempts, max(s.finished_at) as finished_at
       from steps s join runs r on r.id = s.run_id where r.workflow_id = any($1::uuid[])
       group by s.run_id, s.node_id`,
      [flowIds],
    )
  ).rows;
  const runById = new Map(runs.map((run) => [run.id, run]));
  const runByKeyBase = new Map(runs.map((run) => [run.key_base, run]));
  const stepOf = new Map(steps.map((step) => [`${step.run_id}:${step.node_id}`, step]));
  const flowById = new Map(flows.map((flow) => [flow.id, flow]));
  const orderIdOf = (run: RunRow) => (typeof run.input?.orderId === 'string' ? run.input.orderId : null);

  // Deliveries: one order may have been sent several times (retries, bursts).
  const byOrder = new Map<string, Delivery[]>();
  for (const delivery of deliveries) byOrder.set(delivery.orderId, [...(byOrder.get(delivery.orderId) ?? []), delivery]);
  const runsOfOrder = new Map<string, RunRow[]>();
  for (const run of runs) {
    const orderId = orderIdOf(run);
    if (orderId) runsOfOrder.set(orderId, [...(runsOfOrder.get(orderId) ?? []), run]);
  }
  let acknowledged = 0;
  for (const [orderId, sent] of byOrder) {
    const acks = sent.filter((d) => d.outcome === 'acknowledged');
    if (acks.length > 0) acknowledged++;
    for (const ack of acks) {
      if (!runById.has(ack.runId!)) violations.push({ kind: 'lost', what: `order ${orderId}: acknowledged as run ${ack.runId}, which does not exist` });
    }
    if (acks.length === 0 && sent.some((d) => d.outcome === 'replay-refused') && !runsOfOrder.has(orderId)) {
      violations.push({ kind: 'lost', what: `order ${orderId}: refused as "received before", yet no run has it (attempts: ${describeAttempts(sent)})` });
    }
  }

  const byStatus: Record<string, number> = {};
  for (const run of runs) {
    byStatus[run.status] = (byStatus[run.status] ?? 0) + 1;
    if (UNFINISHED.includes(run.status)) {
      violations.push({ kind: 'stuck', what: `run ${run.id} (${flowById.get(run.workflow_id)?.name}) still ${run.status}${describeSteps(run, steps)}` });
      continue;
    }
    const intended = flowById.get(run.workflow_id)!.intends(run.input ?? {});
    if (run.status !== intended) {
      violations.push({
        kind: 'unexpected',
        what: `run ${run.id} ${run.status}, should have ${intended}${run.error ? `: ${run.error.nodeId ?? ''} ${run.error.message ?? ''}`.trimEnd() : ''}`,
      });
    }
  }

  for (const step of steps) {
    if (step.rows > 1) violations.push({ kind: 'duplicateCheckpoint', what: `run ${step.run_id} has ${step.rows} rows for step ${step.node_id}` });
  }

  // The ERP's ledger against run history.
  let keyRepeats = 0;
  const keysOfOrder = new Map<string, Set<string>>();
  for (const entry of erp.ledger.values()) {
    keyRepeats += entry.requests.length - 1;
    const [runId, nodeId] = splitKey(entry.key);
    const run = runByKeyBase.get(runId);
    if (!run) {
      violations.push({ kind: 'ledgerMismatch', what: `the ERP acted on key ${entry.key}, which belongs to no run` });
      continue;
    }
    const logical = `${orderIdOf(run) ?? entry.orderId ?? '?'} @ ${nodeId}`;
    keysOfOrder.set(logical, (keysOfOrder.get(logical) ?? new Set()).add(entry.key));
    const step = stepOf.get(`${run.id}:${nodeId}`);
    if (!step) {
      violations.push({ kind: 'ledgerMismatch', what: `the ERP acted on key ${entry.key}, yet run ${run.id} has no step ${nodeId}` });
      continue;
    }
    if (entry.requests.length > step.attempts) {
      violations.push({ kind: 'hiddenRerun', what: `key ${entry.key}: the ERP saw it ${entry.requests.length} times, the step's history shows ${step.attempts} attempt(s)` });
    }
    const recordedAt = step.finished_at?.getTime();
    if (step.status === 'succeeded' && recordedAt !== undefined) {
      const late = entry.requests.filter((request) => request.at > recordedAt);
      if (late.length > 0) {
        violations.push({
          kind: 'duplicateCheckpoint',
          what: `key ${entry.key}: ${late.length} request(s) reached the ERP after the step's recorded result (finished ${new Date(recordedAt).toISOString()}, request at ${new Date(late[0]!.at).toISOString()}): the step ran again after its checkpoint`,
        });
      }
    }
  }
  for (const [logical, keys] of keysOfOrder) {
    if (keys.size > 1) violations.push({ kind: 'duplicateEffect', what: `order ${logical}: ${keys.size} effects at the ERP (keys ${[...keys].join(', ')})` });
  }
  for (const run of runs) {
    for (const nodeId of flowById.get(run.workflow_id)!.effectNodes) {
      const step = stepOf.get(`${run.id}:${nodeId}`);
      if (step?.status === 'succeeded' && !erp.ledger.has(`${run.key_base}:${nodeId}`)) {
        violations.push({ kind: 'ledgerMismatch', what: `run ${run.id}: step ${nodeId} succeeded, but the ERP never saw its key` });
      }
    }
  }

  const count = (kind: Violation['kind']) => violations.filter((v) => v.kind === kind).length;
  return {
    deliveries: byOrder.size,
    acknowledged,
    refused: [...byOrder.values()].filter((sent) => sent.every((d) => d.outcome !== 'acknowledged')).length,
    runs: runs.length,
    byStatus,
    lost: count('lost'),
    stuck: count('stuck'),
    unexpected: count('unexpected'),
    duplicateCheckpoints: count('duplicateCheckpoint'),
    duplicateEffects: count('duplicateEffect'),
    keyRepeats,
    hiddenReruns: count('hiddenRerun'),
    ledgerMismatches: count('ledgerMismatch'),
    settledInMs,
    violations,
  };
}

/** `<run>:<node>` (a node id has no colon; a step with several items adds `:<index>`). */
function splitKey(key: string): [string, string] {
  const [runId = '', nodeId = ''] = key.split(':');
  return [runId, nodeId];
}

function describeAttempts(sent: Delivery[]): string {
  return sent
    .flatMap((d) => d.attempts)
    .map((a) => `${a.status ?? a.detail}`)
    .join(', ');
}

function describeSteps(run: RunRow, steps: StepRow[]): string {
  const mine = steps.filter((s) => s.run_id === run.id).map((s) => `${s.node_id} ${s.status}`);
  return mine.length > 0 ? ` (steps: ${mine.join(', ')})` : ' (no step recorded)';
}

/**
 * The invariant checks, on a migrated Junction database of the suite's own PostgreSQL:
 * runs, steps and ERP requests laid out by hand, one broken invariant at a time, each of
 * which must be reported — and a clean run that must not be.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowGraph } from '@junction/nodes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../server/src/db/client.ts';
import { migrate } from '../server/src/db/migrate.ts';
import { createWorkflow } from '../server/src/db/queries/workflows.ts';
import { Cluster } from './cluster.ts';
import { Erp } from './erp.ts';
import { check, settle } from './invariants.ts';
import type { Delivery } from './load.ts';
import { Dice } from './random.ts';
import type { FlowUnderTest } from './workflows.ts';

let cluster: Cluster;
let database: Database;
let flow: FlowUnderTest;
let versionId: string;

const GRAPH = {
  nodes: [
    { id: 'hook', type: 'trigger.webhook', name: 'Order received', params: { path: 'orders' } },
    { id: 'erp', type: 'connector.http', name: 'Create ERP order', params: { method: 'POST', url: 'http://127.0.0.1:9/orders' } },
  ],
  edges: [{ source: 'hook', target: 'erp' }],
} as unknown as WorkflowGraph;

beforeAll(async () => {
  cluster = await Cluster.create();
  await cluster.createDatabase('checks');
  database = openDatabase(cluster.url('checks'), { max: 4 });
  await migrate(database);
  const workflow = await createWorkflow(database.db, 'Orders', GRAPH, null);
  versionId = workflow.versionId;
  flow = { id: workflow.id, name: 'Orders', path: 'orders', intends: () => 'succeeded', effectNodes: ['erp'] };
});

afterAll(async () => {
  await database?.close();
  await cluster?.destroy();
});

/** A run of the flow for `orderId`, in `status`, with its ERP step as given (attempts recorded, finished when). */
async function run(orderId: string, status: string, erp?: { status: string; attempts: number; finishedAt: Date }): Promise<string> {
  const id = randomUUID();
  await database.pool.query(
    `insert into runs (id, workflow_id, version_id, status, mode, trigger_node_id, input, deadline_at)
     values ($1, $2, $3, $4, 'webhook', 'hook', $5, now() + interval '1 hour')`,
    [id, flow.id, versionId, status, JSON.stringify([{ json: { orderId } }])],
  );
  if (erp) {
    const attempts = Array.from({ length: erp.attempts }, (_, i) => ({ attempt: i + 1, startedAt: erp.finishedAt.toISOString(), status: 'succeeded' }));
    await database.pool.query(
      `insert into steps (run_id, node_id, status, attempt, attempts, position, finished_at) values ($1, 'erp', $2, $3, $4, 2, $5)`,
      [id, erp.status, erp.attempts, JSON.stringify(attempts), erp.finishedAt],
    );
  }
  return id;
}

async function call(erp: Erp, key: string, orderId: string): Promise<void> {
  const response = await fetch(`${erp.url}/orders`, { method: 'POST', headers: { 'idempotency-key': key, 'content-type': 'application/json' }, body: JSON.stringify({ orderId }) });
  await response.text();
}

const delivery = (orderId: string, outcome: Delivery['outcome'], runId: string | null): Delivery => ({ orderId, body: '{}', attempts: [], outcome, runId });

describe('the invariant checks', () => {
  it('find nothing wrong with runs that finished, each acting once', async () => {
    const erp = await Erp.start(new Dice(1));
    const first = await run('clean-1', 'running');
    await call(erp, `${first}:erp`, 'clean-1');
    await call(erp, `${first}:erp`, 'clean-1'); // the step in flight ran again, same key, and history says so
    await database.pool.query(
      `insert into steps (run_id, node_id, status, attempt, attempts, position, finished_at)
       values ($1, 'erp', 'succeeded', 2, '[{"attempt":1},{"attempt":2}]', 2, now())`,
      [first],
    );
    await database.pool.query("update runs set status = 'succeeded' where id = $1", [first]);
    const findings = await check(database.pool, [flow], erp, [delivery('clean-1', 'acknowledged', first)], 0);
    await erp.close();
    expect(findings.violations).toEqual([]);
    expect(findings).toMatchObject({ deliveries: 1, acknowledged: 1, keyRepeats: 1, byStatus: { succeeded: 1 } });
    await database.pool.query('delete from steps; delete from runs');
  });

  it('report each broken invariant', async () => {
    const erp = await Erp.start(new Dice(2));
    const long = new Date(Date.now() - 60_000);
    const deliveries: Delivery[] = [];

    // lost: acknowledged as a run that does not exist; refused as a replay with no run.
    deliveries.push(delivery('lost-1', 'acknowledged', randomUUID()), delivery('lost-2', 'replay-refused', null));
    // stuck
    deliveries.push(delivery('stuck', 'acknowledged', await run('stuck', 'queued')));
    // unexpected: failed, should have succeeded
    deliveries.push(delivery('failed', 'acknowledged', await run('failed', 'failed')));
    // hidden re-run: the ERP saw the key twice, history shows one attempt
    const hidden = await run('hidden', 'succeeded', { status: 'succeeded', attempts: 1, finishedAt: new Date(Date.now() + 60_000) });
    await call(erp, `${hidden}:erp`, 'hidden');
    await call(erp, `${hidden}:erp`, 'hidden');
    // ran again after its checkpoint: a request after the recorded finish
    const late = await run('late', 'succeeded', { status: 'succeeded', attempts: 2, finishedAt: long });
    await call(erp, `${late}:erp`, 'late');
    // duplicate effect: two runs acted on one order
    const once = await run('twice', 'succeeded', { status: 'succeeded', attempts: 1, finishedAt: new Date(Date.now() + 60_000) });
    const again = await run('twice', 'succeeded', { status: 'succeeded', attempts: 1, finishedAt: new Date(Date.now() + 60_000) });
    await call(erp, `${once}:erp`, 'twice');
    await call(erp, `${again}:erp`, 'twice');
    // ledger: a succeeded ERP step the ERP never saw; a key of no run
    await run('unseen', 'succeeded', { status: 'succeeded', attempts: 1, finishedAt: long });
    await call(erp, `${randomUUID()}:erp`, 'ghost');

    const findings = await check(database.pool, [flow], erp, deliveries, 0);
    await erp.close();
    const kinds = findings.violations.map((v) => v.kind).sort();
    expect(kinds).toEqual(['duplicateCheckpoint', 'duplicateEffect', 'hiddenRerun', 'ledgerMismatch', 'ledgerMismatch', 'lost', 'lost', 'stuck', 'unexpected']);
    expect(findings).toMatchObject({ lost: 2, stuck: 1, unexpected: 1, duplicateCheckpoints: 1, duplicateEffects: 1, hiddenReruns: 1, ledgerMismatches: 2, keyRepeats: 1 });
    expect(findings.violations.find((v) => v.kind === 'duplicateEffect')!.what).toContain('order twice @ erp');
  });

  it('settle gives up once nothing moves, and says how long it waited', async () => {
    const waited = await settle(database.pool, [flow], 10_000, 500);
    expect(waited).toBeGreaterThanOrEqual(500);
    expect(waited).toBeLessThan(5_000);
  });
});

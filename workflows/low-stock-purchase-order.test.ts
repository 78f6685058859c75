/**
 * The flagship flow, workflows/low-stock-purchase-order.json, end to end as a shop runs
 * it: a real inventory table in PostgreSQL, a local ERP that counts purchase orders per
 * Idempotency-Key, a local SMTP server that keeps what arrives, and two worker processes
 * started as `npm start` starts them — one of them killed with SIGKILL mid-order. The
 * flow is loaded from its file and pointed at these systems through its params alone,
 * as a user would point it at theirs. The poll's timer is fired by the test, with the
 * instant it was due, so no test waits fifteen minutes.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeEmailTransports, serverCatalogue } from '@junction/nodes/server';
import { startSmtpServer, type TestSmtpServer } from '../nodes/src/connector/email/smtp-test-server.ts';
import { TRIGGER_TASK, type TriggerJob } from '../server/src/db/queries/triggers.ts';
import { fireTimer } from '../server/src/runtime/timers.ts';
import { startHarness, type Harness } from '../server/src/testing/harness.ts';
import { listen, type LocalServer } from '../server/src/testing/http.ts';
import { spawnJunction, type JunctionProcess } from '../server/src/testing/processes.ts';
import { CredentialResolver } from '../server/src/vault/resolve.ts';

const flow = JSON.parse(readFileSync(new URL('./low-stock-purchase-order.json', import.meta.url), 'utf8'));
const ENCRYPTION_KEY = randomBytes(32);
const SMTP_PASSWORD = `smtp-${randomBytes(6).toString('hex')}`;
const SUPPLIERS: Record<string, { supplier: string; unitPrice: number }> = {
  'TEA-1': { supplier: 'Leaf & Co', unitPrice: 120 },
  'CUP-7': { supplier: 'Kiln Works', unitPrice: 60 },
  'POT-3': { supplier: 'Kiln Works', unitPrice: 900 },
  'MAT-5': { supplier: 'Bamboo Ltd', unitPrice: 400 },
  'BOX-2': { supplier: 'Paper Plus', unitPrice: 10 },
};

let h: Harness;
let erp: LocalServer;
let smtp: TestSmtpServer;
let workflowId: string;
const workers: JunctionProcess[] = [];

/** What the ERP saw: every purchase-order call, and the orders it created, one per key. */
const poCalls: { key: string; sku: string }[] = [];
const orders = new Map<string, { id: string; sku: string; quantity: number; supplier: string }>();
/** The first purchase-order call for this SKU is never answered: its worker is killed meanwhile. */
let holdSku: string | null = null;

beforeAll(async () => {
  h = await startHarness({ worker: false, encryptionKey: ENCRYPTION_KEY });
  erp = await listen((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://erp');
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET' && url.pathname === '/erp/suppliers/preferred') {
        const found = SUPPLIERS[url.searchParams.get('sku') ?? ''];
        return found ? answer(200, { sku: url.searchParams.get('sku'), ...found }) : answer(404, { error: 'no supplier' });
      }
      if (req.method === 'POST' && url.pathname === '/erp/purchase-orders') {
        const key = String(req.headers['idempotency-key'] ?? '');
        const body = JSON.parse(text || '{}');
        poCalls.push({ key, sku: body.sku });
        if (!key) return answer(400, { error: 'Idempotency-Key is required' });
        if (holdSku === body.sku) {
          holdSku = null;
          return; // never answered
        }
        const known = orders.get(key);
        if (known) return answer(200, known);
        const order = { id: `PO-${orders.size + 1}`, sku: body.sku, quantity: body.quantity, supplier: body.supplier };
        orders.set(key, order);
        return answer(201, order);
      }
      answer(404, { error: 'not found' });
    });
  });
  smtp = await startSmtpServer({ login: { user: 'mailer', password: SMTP_PASSWORD } });

  await h.database.pool.query(`create table inventory (sku text primary key, name text not null, on_hand int not null, reorder_point int not null, max_level int not null)`);
  const db = new URL(h.database.url);
  const database = await h.call('POST', '/api/credentials', {
    name: 'Shop database',
    type: 'postgres',
    data: { host: db.hostname, port: Number(db.port || 5432), database: db.pathname.slice(1), user: decodeURIComponent(db.username) || 'postgres' },
  });
  const mail = await h.call('POST', '/api/credentials', {
    name: 'Shop mail',
    type: 'smtp',
    data: { host: '127.0.0.1', port: smtp.port, security: 'none', user: 'mailer', password: SMTP_PASSWORD, from: 'junction@shop.example' },
  });
  expect([database.status, mail.status]).toEqual([201, 201]);

  // What a user does after importing the flow: choose their credentials, point it at their ERP.
  const graph = structuredClone(flow.graph);
  for (const node of graph.nodes) {
    if (node.type === 'trigger.poll') node.params.credential = database.body.id;
    if (node.type === 'connector.email') node.params.credential = mail.body.id;
    if (node.type === 'connector.http') node.params.url = node.params.url.replace('http://localhost:8080', erp.url);
  }
  workflowId = await h.createWorkflow(graph, flow.name);
  const activated = await h.call('POST', `/api/workflows/${workflowId}/activate`);
  expect(activated.status, JSON.stringify(activated.body)).toBe(200);

  workers.push(startWorker(), startWorker());
  await Promise.all(workers.map((worker) => worker.waitFor(/worker started/)));
}, 120_000);

afterAll(async () => {
  for (const worker of workers) await worker.kill('SIGKILL');
  closeEmailTransports();
  await smtp?.close();
  await erp?.close();
  await h?.close();
});

function startWorker(): JunctionProcess {
  return spawnJunction('worker', {
    DATABASE_URL: h.database.url,
    JUNCTION_ENCRYPTION_KEY: ENCRYPTION_KEY.toString('base64'),
    JUNCTION_PUBLIC_URL: 'http://junction.test',
  });
}

const stock = (sku: string, onHand: number, reorderPoint: number, maxLevel: number) =>
  h.database.pool.query(
    `insert into inventory (sku, name, on_hand, reorder_point, max_level) values ($1, $2, $3, $4, $5)
     on conflict (sku) do update set on_hand = $3, reorder_point = $4, max_level = $5`,
    [sku, `Product ${sku}`, onHand, reorderPoint, maxLevel],
  );

/** The poll's timer comes due (as its job would fire it, at the instant it was due); gives the runs it started. */
async function poll(): Promise<string[]> {
  const { rows } = await h.database.pool.query(`select payload from graphile_worker._private_jobs where key = $1`, [`${TRIGGER_TASK}:${workflowId}:low-stock`]);
  expect(rows).toHaveLength(1);
  const job = rows[0]!.payload as TriggerJob;
  const before = await runIds();
  await fireTimer({ pool: h.database.pool, nodes: serverCatalogue, credentials: new CredentialResolver(h.database.pool, h.security.keyring), now: () => new Date(new Date(job.at).getTime() + 1000) }, job);
  return (await runIds()).filter((id) => !before.includes(id));
}

async function runIds(): Promise<string[]> {
  const { rows } = await h.database.pool.query('select id from runs where workflow_id = $1 order by seq', [workflowId]);
  return rows.map((row) => row.id);
}

async function skuOf(runId: string): Promise<string> {
  const { rows } = await h.database.pool.query('select input from runs where id = $1', [runId]);
  return rows[0].input[0].json.sku;
}

async function untilWaiting(runId: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const detail = (await h.call('GET', `/api/runs/${runId}`)).body;
    if (detail.status === 'waiting') return detail;
    if (['succeeded', 'failed', 'cancelled'].includes(detail.status)) throw new Error(`run ${runId} ended (${detail.status}) instead of waiting: ${JSON.stringify(detail.error)}`);
    if (Date.now() > deadline) throw new Error(`run ${runId} is still ${detail.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const mailsTo = (address: string) => smtp.received.filter((mail) => mail.envelope.to.includes(address));
const ordersFor = (sku: string) => [...orders.values()].filter((order) => order.sku === sku);
const step = (detail: any, nodeId: string) => detail.steps.find((s: { nodeId: string }) => s.nodeId === nodeId);

/** The approval link in the manager's e-mail for this product, as a path on the API. */
function approvalLink(sku: string): string {
  const mail = mailsTo('manager@shop.example').find((m) => m.parsed.text?.includes(`(${sku})`));
  expect(mail, `an approval e-mail for ${sku}`).toBeDefined();
  const link = /http:\/\/junction\.test(\/api\/resume\/\S+)/.exec(mail!.parsed.text!)?.[1];
  expect(link).toBeDefined();
  return link!;
}

const answer = (path: string, decision: 'approve' | 'reject') =>
  h.callAs(null, 'POST', path, `decision=${decision}&comment=by+the+test`, { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });

describe('low stock → purchase order', () => {
  it('is a flow a person can build from the palette: only expressions, no Code step', () => {
    expect(flow.graph.nodes.map((node: { type: string }) => node.type).filter((type: string) => type.startsWith('code.'))).toEqual([]);
  });

  it('orders once per product while it stays low, asks a manager above 5,000, and e-mails purchasing', { timeout: 120_000 }, async () => {
    await stock('TEA-1', 3, 10, 40); // 37 × 120 = 4,440: ordered at once
    await stock('CUP-7', 1, 5, 200); // 199 × 60 = 11,940: needs approval
    await stock('MAT-5', 50, 10, 60); // fine

    const first = await poll();
    expect(await Promise.all(first.map(skuOf))).toEqual(['CUP-7', 'TEA-1']);
    const [cup, tea] = first as [string, string];

    const teaRun = await h.waitForRun(tea, 60_000);
    expect(teaRun.status).toBe('succeeded');
    expect(ordersFor('TEA-1')).toEqual([{ id: expect.any(String), sku: 'TEA-1', quantity: 37, supplier: 'Leaf & Co' }]);
    expect(step(teaRun, 'ask-manager').status).toBe('skipped');
    expect(poCalls.find((call) => call.sku === 'TEA-1')!.key).toBe(`${tea}:create-po`);

    // CUP-7 waits for the manager, holding no worker; the manager got the link by e-mail.
    const waiting = await untilWaiting(cup);
    expect(step(waiting, 'approval').wait).toMatchObject({ resumable: true, page: { kind: 'approval' } });
    expect(step(waiting, 'approval').wait.reason).toBe('Order 199 × Product CUP-7 from Kiln Works for 11940');
    expect(ordersFor('CUP-7')).toEqual([]);

    // The next looks: both products are still low, but their episodes have fired already.
    expect(await poll()).toEqual([]);
    expect(await poll()).toEqual([]);

    // The manager approves through the link in the e-mail: the order is placed once.
    const link = approvalLink('CUP-7');
    const approved = await answer(link, 'approve');
    expect(approved.status).toBe(200);
    expect((await answer(link, 'approve')).status).toBe(409); // a link answers once
    const cupRun = await h.waitForRun(cup, 60_000);
    expect(cupRun.status).toBe('succeeded');
    expect(step(cupRun, 'approval').wait.resumed).toMatchObject({ by: 'call', data: { decision: 'approve' } });
    expect(ordersFor('CUP-7')).toEqual([{ id: expect.any(String), sku: 'CUP-7', quantity: 199, supplier: 'Kiln Works' }]);

    // Purchasing hears of both orders, in words.
    const told = mailsTo('purchasing@shop.example').map((mail) => mail.parsed.subject);
    expect(told).toEqual(expect.arrayContaining([
      `Purchase order ${ordersFor('TEA-1')[0]!.id}: 37 × Product TEA-1`,
      `Purchase order ${ordersFor('CUP-7')[0]!.id}: 199 × Product CUP-7`,
    ]));

    // TEA-1 is restocked (no run), then runs low again: one new order, under a new key.
    await stock('TEA-1', 45, 10, 40);
    expect(await poll()).toEqual([]);
    await stock('TEA-1', 8, 10, 40);
    const again = await poll();
    expect(await Promise.all(again.map(skuOf))).toEqual(['TEA-1']);
    expect((await h.waitForRun(again[0]!, 60_000)).status).toBe('succeeded');
    expect(ordersFor('TEA-1').map((order) => order.quantity)).toEqual([37, 32]);
    expect(new Set(poCalls.filter((call) => call.sku === 'TEA-1').map((call) => call.key)).size).toBe(2);
  });

  it('a rejected approval orders nothing and tells purchasing; an expired one counts as rejected', { timeout: 120_000 }, async () => {
    await stock('POT-3', 0, 4, 20); // 20 × 900 = 18,000
    await stock('MAT-5', 2, 10, 60); // 58 × 400 = 23,200
    const started = await poll();
    const bySku = Object.fromEntries(await Promise.all(started.map(async (id) => [await skuOf(id), id])));
    expect(Object.keys(bySku).sort()).toEqual(['MAT-5', 'POT-3']);
    await untilWaiting(bySku['POT-3']);
    await untilWaiting(bySku['MAT-5']);

    expect((await answer(approvalLink('POT-3'), 'reject')).status).toBe(200);
    const rejected = await h.waitForRun(bySku['POT-3'], 60_000);
    expect(rejected.status).toBe('succeeded');
    expect(step(rejected, 'create-po').status).toBe('skipped');
    expect(ordersFor('POT-3')).toEqual([]);

    // Nobody answers for MAT-5: two days pass (the wait's end is moved, its job comes due).
    await h.database.pool.query(`update steps set wait = jsonb_set(wait, '{until}', to_jsonb((now() - interval '1 second')::text)) where run_id = $1 and node_id = 'approval'`, [bySku['MAT-5']]);
    await h.database.pool.query(`update graphile_worker._private_jobs set run_at = now() where key = $1`, [`run:${bySku['MAT-5']}`]);
    const expired = await h.waitForRun(bySku['MAT-5'], 60_000);
    expect(step(expired, 'create-po').status).toBe('skipped');
    expect(ordersFor('MAT-5')).toEqual([]);
    expect((await answer(approvalLink('MAT-5'), 'approve')).status).not.toBe(200);

    const refusals = mailsTo('purchasing@shop.example').filter((mail) => mail.parsed.subject?.startsWith('Not ordered'));
    expect(refusals.map((mail) => mail.parsed.subject).sort()).toEqual(['Not ordered: Product MAT-5', 'Not ordered: Product POT-3']);
    expect(refusals.find((mail) => mail.parsed.subject!.includes('MAT-5'))!.parsed.text).toContain('(expired)');
    expect(refusals.find((mail) => mail.parsed.subject!.includes('POT-3'))!.parsed.text).toContain('(rejected)');
  });

  it('a worker killed while the ERP takes the order: the other finishes the run, and the ERP has one order', { timeout: 120_000 }, async () => {
    holdSku = 'BOX-2';
    await stock('BOX-2', 1, 100, 300); // 299 × 10 = 2,990: ordered at once
    const [run] = await poll();
    expect(await skuOf(run!)).toBe('BOX-2');
    const deadline = Date.now() + 30_000;
    while (!poCalls.some((call) => call.sku === 'BOX-2') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));

    const { rows } = await h.database.pool.query<{ lease_owner: string }>('select lease_owner from runs where id = $1', [run]);
    const holder = workers.find((worker) => worker.output().includes(`"processId":"${rows[0]!.lease_owner}"`));
    expect(holder).toBeDefined();
    await holder!.kill('SIGKILL');
    workers.splice(workers.indexOf(holder!), 1, startWorker());

    const detail = await h.waitForRun(run!, 60_000);
    expect(detail.status).toBe('succeeded');
    const calls = poCalls.filter((call) => call.sku === 'BOX-2');
    expect(calls.map((call) => call.key)).toEqual([`${run}:create-po`, `${run}:create-po`]);
    expect(ordersFor('BOX-2')).toHaveLength(1);
    expect(step(detail, 'create-po').attempts.map((a: { status: string }) => a.status)).toEqual(['interrupted', 'succeeded']);
    expect(mailsTo('purchasing@shop.example').filter((mail) => mail.parsed.subject?.includes('Product BOX-2'))).toHaveLength(1);
  });
});

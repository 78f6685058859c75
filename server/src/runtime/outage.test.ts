/**
 * Database outages with real processes: every connection a worker or an API process has
 * to PostgreSQL goes through a proxy that the test cuts, as a PostgreSQL restart does.
 * Acknowledged runs must all finish once the database is back, with no one restarting
 * anything; while it is away, webhooks say 503 with Retry-After and health says why.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enqueueRun } from '../db/queries/runs.ts';
import { spawnJunction, type JunctionProcess } from '../testing/processes.ts';
import { startHarness, type Harness } from '../testing/harness.ts';
import { listen, type LocalServer } from '../testing/http.ts';
import { startTcpProxy, type TcpProxy } from '../testing/tcp-proxy.ts';

let h: Harness;
let erp: LocalServer;
let proxy: TcpProxy;
const effects = new Map<string, number>();
const processes: JunctionProcess[] = [];

beforeAll(async () => {
  h = await startHarness({ worker: false });
  const direct = new URL(h.database.url);
  proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  erp = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      const key = String(req.headers['idempotency-key']);
      effects.set(key, (effects.get(key) ?? 0) + 1);
      // A little slower than the database: steps are in flight when it goes away.
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }, 30);
    });
  });
});

afterEach(async () => {
  proxy.restore();
  for (const p of processes.splice(0)) await p.kill('SIGKILL');
});

afterAll(async () => {
  await proxy?.close();
  await erp?.close();
  await h?.close();
});

const spawn = (role: 'api' | 'worker', extra: Record<string, string> = {}) => {
  const p = spawnJunction(role, { DATABASE_URL: proxy.rewrite(h.database.url), JUNCTION_WORKER_CONCURRENCY: '8', ...extra });
  processes.push(p);
  return p;
};

async function countByStatus(workflowId: string): Promise<Record<string, number>> {
  const { rows } = await h.database.pool.query<{ status: string; n: number }>(
    'select status, count(*)::int as n from runs where workflow_id = $1 group by status',
    [workflowId],
  );
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

describe('a database that goes away under load', () => {
  it('finishes every run once it is back, with the same worker processes', { timeout: 120_000 }, async () => {
    const workflowId = await h.createWorkflow({
      nodes: [
        { id: 'start', type: 'trigger.manual', name: 'Start' },
        { id: 'prep', type: 'transform.fields', name: 'Prepare', params: { operations: [{ op: 'set', field: 'ready', value: true }] } },
        { id: 'erp', type: 'connector.http', name: 'Create order', params: { method: 'POST', url: `${erp.url}/orders`, body: { n: 1 } } },
        { id: 'end', type: 'logic.noop', name: 'End' },
      ],
      edges: [
        { source: 'start', target: 'prep' },
        { source: 'prep', target: 'erp' },
        { source: 'erp', target: 'end' },
      ],
    });
    const { versionId } = (await h.call('GET', `/api/workflows/${workflowId}`)).body;
    const workers = [spawn('worker'), spawn('worker')];
    await Promise.all(workers.map((w) => w.waitFor(/worker started/)));

    // ~40 runs a second for 6 s; the database "restarts" three times meanwhile.
    const runIds: string[] = [];
    const outages = [1500, 3000, 4500].map((at) => setTimeout(() => proxy.down(300), at));
    const started = Date.now();
    while (Date.now() - started < 6000) {
      runIds.push(
        await enqueueRun(h.database.pool, { workflowId, versionId, triggerNodeId: 'start', mode: 'manual', input: [{ json: { i: runIds.length } }], timeoutSeconds: 600 }),
      );
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    outages.forEach(clearTimeout);

    const deadline = Date.now() + 60_000;
    let statuses = await countByStatus(workflowId);
    while ((statuses.succeeded ?? 0) < runIds.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      statuses = await countByStatus(workflowId);
    }
    if ((statuses.succeeded ?? 0) < runIds.length) {
      const stuck = await h.database.pool.query(
        `select r.id, r.status, r.lease_owner, r.version, (select json_agg(j) from graphile_worker._private_jobs j where j.payload->>'runId' = r.id::text) as jobs
         from runs r where r.workflow_id = $1 and r.status <> 'succeeded'`,
        [workflowId],
      );
      console.error('unfinished runs', JSON.stringify(stuck.rows, null, 1), workers.map((w) => w.output()).join('\n----\n'));
    }
    expect(statuses).toEqual({ succeeded: runIds.length });
    // Every run called the ERP under its own key (a step cut off mid-way may call again, with the same key).
    expect(new Set(effects.keys())).toEqual(new Set(runIds.map((id) => `${id}:erp`)));
    for (const w of workers) expect(w.child.exitCode).toBeNull();
  });
});

describe('an API process while the database is away', () => {
  it('answers webhooks 503 with Retry-After, says what is wrong in health, and takes them again once it is back', { timeout: 60_000 }, async () => {
    const workflowId = await h.createWorkflow({
      nodes: [{ id: 'hook', type: 'trigger.webhook', name: 'Order', params: { path: 'outage-orders' } }],
      edges: [],
    });
    expect((await h.call('POST', `/api/workflows/${workflowId}/activate`)).status).toBe(200);
    const api = spawn('api', { PORT: '0' });
    await api.waitFor(/serving on (http:\/\/\S+)/);
    const base = /serving on (http:\/\/\S+)/.exec(api.output())![1]!;
    const post = () => fetch(`${base}/hooks/outage-orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":1}' });

    expect((await post()).status).toBe(202);
    expect(await (await fetch(`${base}/api/health`)).json()).toMatchObject({ status: 'ok', database: { ok: true } });

    proxy.down();
    const refused = await post();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect((await refused.json()).error).toMatchObject({ code: 'database_unavailable' });
    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(503);
    const body = await health.json();
    expect(body).toMatchObject({ status: 'unavailable', database: { ok: false } });
    expect(body.problems.join(' ')).toMatch(/PostgreSQL/);
    // No address or credentials of the database in a public answer.
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|postgres:\/\//);

    proxy.restore();
    await expect.poll(async () => (await post()).status, { timeout: 15_000 }).toBe(202);
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
  });
});


/**
 * Polling triggers against a real PostgreSQL table and a real HTTP API, with a clock the
 * test moves: low stock fires once per product until it has been restocked (episodes),
 * new rows by key or by a growing column, changed rows, the first look, a source that
 * fails, and the preview that changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverCatalogue } from '@junction/nodes/server';
import { TRIGGER_TASK, type TriggerJob } from '../db/queries/triggers.ts';
import { startHarness, type Harness } from '../testing/harness.ts';
import { listen, type LocalServer } from '../testing/http.ts';
import { CredentialResolver } from '../vault/resolve.ts';
import { fireTimer } from './timers.ts';

let h: Harness;
let api: LocalServer;
let apiItems: unknown[] = [];
let credential: string;

beforeAll(async () => {
  h = await startHarness();
  api = await listen((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: { items: apiItems } }));
  });
  await h.database.pool.query(`create table inventory (sku text primary key, on_hand int not null, reorder_point int not null, name text)`);
  const url = new URL(h.database.url);
  const stored = await h.call('POST', '/api/credentials', {
    name: 'Shop database',
    type: 'postgres',
    data: { host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1), user: decodeURIComponent(url.username) || 'postgres' },
  });
  expect(stored.status).toBe(201);
  credential = stored.body.id;
});

afterAll(async () => {
  await api?.close();
  await h?.close();
});

const LOW_STOCK = 'select sku, on_hand, reorder_point from inventory where on_hand < reorder_point order by sku';

async function activate(pollParams: Record<string, unknown>): Promise<string> {
  const id = await h.createWorkflow({
    nodes: [
      { id: 'look', type: 'trigger.poll', name: 'Low stock', params: { rule: { every: 'minutes', interval: 15 }, credential, ...pollParams } },
      { id: 'end', type: 'logic.noop', name: 'End' },
    ],
    edges: [{ source: 'look', target: 'end' }],
  });
  expect((await h.call('POST', `/api/workflows/${id}/activate`)).status).toBe(200);
  return id;
}

/** Fires the poll's timer once, as its job would, and gives the runs started. */
async function look(workflowId: string): Promise<{ json: Record<string, unknown> }[][]> {
  const { rows } = await h.database.pool.query(`select payload from graphile_worker._private_jobs where key = $1`, [`${TRIGGER_TASK}:${workflowId}:look`]);
  const job = rows[0]!.payload as TriggerJob;
  const before = await h.database.pool.query('select count(*)::int as n from runs where workflow_id = $1', [workflowId]);
  await fireTimer({ pool: h.database.pool, nodes: serverCatalogue, credentials: new CredentialResolver(h.database.pool, h.security.keyring), now: () => new Date(new Date(job.at).getTime() + 1000) }, job);
  const after = await h.database.pool.query('select input from runs where workflow_id = $1 order by seq offset $2', [workflowId, before.rows[0].n]);
  return after.rows.map((row) => row.input);
}

const stock = (sku: string, onHand: number, reorderPoint = 10) =>
  h.database.pool.query('insert into inventory (sku, on_hand, reorder_point) values ($1, $2, $3) on conflict (sku) do update set on_hand = $2, reorder_point = $3', [sku, onHand, reorderPoint]);

describe('trigger.poll', () => {
  it('low stock fires once per product until it has been restocked, then again when it drops', async () => {
    await stock('TEA-1', 3);
    await stock('TEA-2', 4);
    await stock('TEA-3', 50);
    const id = await activate({ source: { kind: 'sql', sql: LOW_STOCK }, emit: { what: 'episodes', field: 'sku' }, firstPoll: 'emitNow', runPer: 'item' });
    const first = await look(id);
    expect(first.map((input) => input[0]!.json.sku)).toEqual(['TEA-1', 'TEA-2']);
    expect(first[0]).toEqual([{ json: { sku: 'TEA-1', on_hand: 3, reorder_point: 10 } }]);
    expect(await look(id)).toEqual([]);
    await stock('TEA-1', 40); // restocked: its episode is over
    expect(await look(id)).toEqual([]);
    await stock('TEA-1', 2); // low again: a new episode
    await stock('TEA-3', 1);
    expect((await look(id)).map((input) => input[0]!.json.sku)).toEqual(['TEA-1', 'TEA-3']);
    // The runs run.
    const { rows } = await h.database.pool.query('select id from runs where workflow_id = $1', [id]);
    for (const row of rows) expect((await h.waitForRun(row.id)).status).toBe('succeeded');
  });

  it('on its first look, only remembers what is there already unless asked to start runs for it', async () => {
    await h.database.pool.query('delete from inventory');
    await stock('A', 1);
    const id = await activate({ source: { kind: 'sql', sql: LOW_STOCK }, emit: { what: 'episodes', field: 'sku' }, firstPoll: 'fromNow', runPer: 'poll' });
    expect(await look(id)).toEqual([]);
    await stock('B', 1);
    await stock('C', 2);
    const runs = await look(id);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.map((item) => item.json.sku)).toEqual(['B', 'C']);
  });

  it('new rows by a growing column, and new or changed rows by key, from an HTTP API', async () => {
    apiItems = [{ id: 1, status: 'paid' }, { id: 2, status: 'paid' }];
    const byId = await activate({ source: { kind: 'http', url: `${api.url}/orders`, itemsPath: 'data.items' }, emit: { what: 'new', by: 'watermark', field: 'id' }, firstPoll: 'emitNow', credential: undefined });
    const changed = await activate({ source: { kind: 'http', url: `${api.url}/orders`, itemsPath: 'data.items' }, emit: { what: 'changed', field: 'id' }, firstPoll: 'emitNow', credential: undefined, runPer: 'item' });
    expect((await look(byId))[0]!.map((item) => item.json.id)).toEqual([1, 2]);
    expect((await look(changed)).map((input) => input[0]!.json.id)).toEqual([1, 2]);
    apiItems = [{ id: 1, status: 'shipped' }, { id: 2, status: 'paid' }, { id: 3, status: 'paid' }];
    expect((await look(byId))[0]!.map((item) => item.json.id)).toEqual([3]);
    expect((await look(changed)).map((input) => input[0]!.json)).toEqual([{ id: 1, status: 'shipped' }, { id: 3, status: 'paid' }]);
    expect(await look(changed)).toEqual([]);
  });

  it('a source that fails starts nothing, says why in the triggers API, and looks again at the next firing', async () => {
    const id = await activate({ source: { kind: 'sql', sql: 'select * from no_such_table' }, emit: { what: 'episodes', field: 'sku' } });
    expect(await look(id)).toEqual([]);
    const trigger = (await h.call('GET', `/api/workflows/${id}/triggers`)).body.triggers[0];
    expect(trigger.lastError).toMatch(/no_such_table/);
    const { rows } = await h.database.pool.query(`select count(*)::int as n from graphile_worker._private_jobs where key = $1`, [`${TRIGGER_TASK}:${id}:look`]);
    expect(rows[0].n).toBe(1);
  });

  it('a test look shows what would start runs without changing what the poll remembers', async () => {
    await h.database.pool.query('delete from inventory');
    await stock('X', 1);
    const id = await activate({ source: { kind: 'sql', sql: LOW_STOCK }, emit: { what: 'episodes', field: 'sku' }, firstPoll: 'emitNow', runPer: 'item' });
    const preview = await h.call('POST', `/api/workflows/${id}/triggers/look/test`);
    expect(preview).toMatchObject({ status: 200, body: { found: 1, first: true, newsCount: 1, news: [{ sku: 'X' }] } });
    expect((await h.call('POST', `/api/workflows/${id}/triggers/look/test`)).body.newsCount).toBe(1);
    expect((await look(id)).map((input) => input[0]!.json.sku)).toEqual(['X']);
    expect((await h.call('POST', `/api/workflows/${id}/triggers/look/test`)).body).toMatchObject({ first: false, newsCount: 0 });
    expect((await h.call('POST', `/api/workflows/${id}/triggers/end/test`)).status).toBe(400);
  });

  it('refuses SQL without a credential and a time zone that does not exist, when saved', async () => {
    const response = await h.call('POST', '/api/workflows', {
      name: 'Bad poll',
      graph: { nodes: [{ id: 'look', type: 'trigger.poll', name: 'Look', params: { source: { kind: 'sql', sql: 'select 1' }, timezone: 'Nowhere/Land' } }], edges: [] },
    });
    expect(response.status).toBe(400);
    const messages = response.body.error.issues.map((issue: { message: string }) => issue.message).join(' | ');
    expect(messages).toMatch(/Not a time zone/);
    expect(messages).toMatch(/Choose the database credential/);
  });
});

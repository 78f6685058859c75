/**
 * The fault proxy against a real PostgreSQL (a cluster of the suite's own): each fault
 * does what the suite's verdicts assume it does — above all, a cut after a write leaves
 * the write committed, and an injected serialization failure leaves nothing done.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from './cluster.ts';
import { FaultProxy, NO_FAULTS } from './proxy.ts';
import { Dice } from './random.ts';

let cluster: Cluster;
let proxy: FaultProxy;
let direct: pg.Client;

beforeAll(async () => {
  cluster = await Cluster.create();
  await cluster.createDatabase('proxied');
  proxy = await FaultProxy.start({ host: '127.0.0.1', port: cluster.port }, new Dice(1));
  direct = new pg.Client({ connectionString: cluster.url('proxied') });
  await direct.connect();
  await direct.query('create table effects (n int primary key)');
});

afterAll(async () => {
  await direct?.end();
  await proxy?.close();
  await cluster?.destroy();
});

/** A client through the proxy; connecting is never faulted (faults start after authentication). */
async function client(): Promise<pg.Client> {
  const connection = new pg.Client({ connectionString: proxy.url('proxied') });
  connection.on('error', () => undefined); // the cuts under test
  await connection.connect();
  return connection;
}

const rows = async (n: number) => (await direct.query('select count(*)::int as c from effects where n = $1', [n])).rows[0].c as number;

describe('the fault proxy', () => {
  it('passes statements through untouched when no fault is asked for', async () => {
    proxy.setFaults(NO_FAULTS);
    const c = await client();
    await c.query('begin');
    await c.query('insert into effects values ($1)', [1]);
    await c.query('commit');
    const named = { name: 'count_effects', text: 'select count(*)::int as c from effects' };
    expect((await c.query(named)).rows[0].c).toBe(1);
    expect((await c.query(named)).rows[0].c).toBe(1);
    await c.end();
  });

  it('cuts the connection after a write has committed: the client gets an error, the row is there', async () => {
    proxy.setFaults({ cutAfterWrite: 1 });
    const c = await client();
    expect((await c.query('select 1 as one')).rows[0].one).toBe(1); // reads are not cut
    await expect(c.query('insert into effects values (2)')).rejects.toThrow();
    expect(await rows(2)).toBe(1);
    expect(proxy.counts.cutAfterWrite).toBeGreaterThanOrEqual(1);
  });

  it('answers a write outside a transaction with SQLSTATE 40001, and PostgreSQL never sees it', async () => {
    proxy.setFaults({ serializationFailure: 1 });
    const c = await client();
    await expect(c.query('insert into effects values (3)')).rejects.toMatchObject({ code: '40001' });
    expect(await rows(3)).toBe(0);
    // The connection is still usable, as after a real serialization failure.
    expect((await c.query('select 1 as one')).rows[0].one).toBe(1);
    // A named statement is prepared once (never answered by the proxy), then refused when executed again.
    const insert = (n: number) => c.query({ name: 'insert_effect', text: 'insert into effects values ($1)', values: [n] });
    await insert(4);
    await expect(insert(5)).rejects.toMatchObject({ code: '40001' });
    expect([await rows(4), await rows(5)]).toEqual([1, 0]);
    // Inside a transaction the proxy cannot stand in for PostgreSQL: the write goes through.
    await c.query('begin');
    await c.query('insert into effects values (6)');
    await c.query('commit');
    expect(await rows(6)).toBe(1);
    await c.end();
  });

  it('resets the connection before a statement reaches PostgreSQL', async () => {
    proxy.setFaults({ reset: 1 });
    const c = await client();
    await expect(c.query('insert into effects values (7)')).rejects.toThrow();
    expect(await rows(7)).toBe(0);
  });

  it('stalls a statement, then resets; delays another and lets it through', async () => {
    proxy.setFaults({ stall: 1, stallMs: 300 });
    const stalled = await client();
    let started = Date.now();
    await expect(stalled.query('select 1')).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    proxy.setFaults({ delay: 1, delayMs: 200 });
    const delayed = await client();
    started = Date.now();
    expect((await delayed.query('select 2 as two')).rows[0].two).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    await delayed.end();
  });
});

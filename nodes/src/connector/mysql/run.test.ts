/**
 * connector.mysql against the real MariaDB at 127.0.0.1:3306 (a table of a unique name in
 * its `test` database): each operation, items in one transaction or one by one, rows
 * paired to the items they came from, and the params' checks.
 */
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NodeError, NonRetriableError, nodeMessageOf, type Item } from '../../sdk/index.ts';
import { allItemsContext, type TestContextOptions } from '../../sdk/testing.ts';
import { closeSqlPools } from '../sql/pools.ts';
import { mariadbAdmin, mariadbAnswers, mysqlCredential, uniqueName } from '../sql/testing.ts';
import { definition, Params } from './definition.ts';
import { run } from './run.ts';

const available = await mariadbAnswers();
const table = uniqueName('stock');
const CREDENTIAL_ID = '00000000-0000-4000-8000-00000000b001';
let admin: mysql.Connection;

beforeAll(async () => {
  if (!available) return;
  admin = await mariadbAdmin();
  await admin.query(`create table ${table} (id int auto_increment primary key, sku varchar(40) not null unique, qty int not null check (qty >= 0), note text)`);
});

beforeEach(async () => {
  if (!available) return;
  await admin.query(`delete from ${table}`);
  await admin.query(`alter table ${table} auto_increment = 1`);
  await admin.query(`insert into ${table} (sku, qty) values ('TEA-1', 5), ('TEA-2', 3)`);
});

afterAll(async () => {
  if (!available) return;
  await closeSqlPools();
  await admin.query(`drop table if exists ${table}`);
  await admin.end();
});

const items = (...json: object[]): Item[] => json.map((j) => ({ json: { ...j } }));

async function step(params: (item: Item) => Record<string, unknown>, input: Item[], options: TestContextOptions = {}) {
  const context = allItemsContext(definition, (item: Item) => ({ credential: CREDENTIAL_ID, ...params(item) }), input, {
    credentials: { credential: mysqlCredential(CREDENTIAL_ID) },
    ...options,
  });
  return (await run(context)).main!;
}

const failure = (promise: Promise<unknown>) => promise.then(
  () => {
    throw new Error('did not fail');
  },
  (error: unknown) => error as NodeError,
);
const stock = async () => (await admin.query<mysql.RowDataPacket[]>(`select sku, qty from ${table} order by id`))[0];
const setQty = (item: Item) => ({ action: { operation: 'update', table, match: [{ column: 'sku', value: item.json.sku }], columns: [{ column: 'qty', value: item.json.qty }] } });

describe.skipIf(!available)('connector.mysql', () => {
  it('runs a query for each item with its values bound; the rows become items paired to their item', async () => {
    const output = await step((item) => ({ action: { operation: 'query', sql: `select sku, qty from ${table} where sku = ?`, parameters: [item.json.sku] } }), items({ sku: "x' or '1'='1" }, { sku: 'TEA-2' }));
    expect(output).toEqual([{ json: { sku: 'TEA-2', qty: 3 }, pairedItem: 1 }]);
    const once = await step(() => ({ action: { operation: 'query', sql: `select count(*) as n from ${table}`, runFor: 'allItems' } }), items({}, {}));
    expect(once).toEqual([{ json: { n: 2 }, pairedItem: 0 }]);
  });

  it('inserts, saying the id each row got', async () => {
    const output = await step(
      (item) => ({ action: { operation: 'insert', table: `test.${table}`, columns: [{ column: 'sku', value: item.json.sku }, { column: 'qty', value: 1 }] } }),
      items({ sku: "'); drop table stock; --" }, { sku: 'TEA-4' }),
    );
    expect(output).toEqual([
      { json: { affectedRows: 1, insertId: 3 }, pairedItem: 0 },
      { json: { affectedRows: 1, insertId: 4 }, pairedItem: 1 },
    ]);
    expect((await stock()).map((row) => row.sku)).toEqual(['TEA-1', 'TEA-2', "'); drop table stock; --", 'TEA-4']);
  });

  it('updates, inserts or updates on the key, deletes', async () => {
    expect(await step(setQty, items({ sku: 'TEA-1', qty: 9 }, { sku: 'NOPE', qty: 1 }))).toEqual([
      { json: { affectedRows: 1 }, pairedItem: 0 },
      { json: { affectedRows: 0 }, pairedItem: 1 },
    ]);
    const upsert = (item: Item) => ({ action: { operation: 'upsert', table, keyColumns: ['sku'], columns: [{ column: 'sku', value: item.json.sku }, { column: 'qty', value: item.json.qty }] } });
    await step(upsert, items({ sku: 'TEA-2', qty: 7 }, { sku: 'TEA-9', qty: 1 }));
    expect(await stock()).toEqual([{ sku: 'TEA-1', qty: 9 }, { sku: 'TEA-2', qty: 7 }, { sku: 'TEA-9', qty: 1 }]);
    expect(await step((item) => ({ action: { operation: 'delete', table, match: [{ column: 'sku', value: item.json.sku }] } }), items({ sku: 'TEA-9' }))).toEqual([
      { json: { affectedRows: 1 }, pairedItem: 0 },
    ]);
  });

  it('in one transaction: one failing rolls back all of them', async () => {
    const error = await failure(step(setQty, items({ sku: 'TEA-1', qty: 4 }, { sku: 'TEA-2', qty: -1 })));
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.message).toBe(`Item 2 of 2: The row breaks the check ${table}.qty of the table test.${table} (error 4025, SQL state 23000). The transaction was rolled back: no item was saved`);
    expect(await stock()).toEqual([{ sku: 'TEA-1', qty: 5 }, { sku: 'TEA-2', qty: 3 }]);
  });

  it('item by item, continuing on error: the good ones saved, the failed one carries its error', async () => {
    const output = await step((item) => ({ ...setQty(item), batch: 'itemByItem' }), items({ sku: 'TEA-1', qty: 4 }, { sku: 'TEA-2', qty: -1 }, { sku: 'TEA-2', qty: 2 }), { continueOnError: true });
    expect(output[0]).toEqual({ json: { affectedRows: 1 }, pairedItem: 0 });
    expect(output[1]).toMatchObject({ json: { sku: 'TEA-2', qty: -1, error: { name: 'NonRetriableError', details: { errno: 4025 } } }, pairedItem: 1 });
    expect(output[2]).toEqual({ json: { affectedRows: 1 }, pairedItem: 2 });
    expect(await stock()).toEqual([{ sku: 'TEA-1', qty: 4 }, { sku: 'TEA-2', qty: 2 }]);
  });

  it('stops a statement at its time limit', async () => {
    const error = await failure(step(() => ({ action: { operation: 'query', sql: 'select sleep(10)' }, timeoutSeconds: 1 }), items({})));
    expect(error).toBeInstanceOf(NodeError);
    expect(error).not.toBeInstanceOf(NonRetriableError);
    expect(error.message).toBe('The statement ran longer than the time limit of 1 s and was stopped');
  });

  it('has no "return the rows": MySQL cannot give back what an update wrote', () => {
    const result = Params.safeParse({ credential: CREDENTIAL_ID, action: { operation: 'insert', table, columns: [{ column: 'sku', value: 1 }], returnRows: true } });
    expect(result.success).toBe(false);
    const bad = Params.safeParse({ credential: CREDENTIAL_ID, action: { operation: 'insert', table: 'stock`; drop', columns: [{ column: 'sku', value: 1 }] } });
    expect(bad.success ? undefined : nodeMessageOf(bad.error.issues[0]!)).toEqual({ key: 'connector.mysql.tableName', params: {} });
  });
});

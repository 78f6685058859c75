/**
 * connector.postgres against the real PostgreSQL (a database of this file's own): each
 * operation, items in one transaction or one by one, rows paired to the items they came
 * from, and the params' checks.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NodeError, NonRetriableError, nodeMessageOf, type Item } from '../../sdk/index.ts';
import { allItemsContext, type TestContextOptions } from '../../sdk/testing.ts';
import { closeSqlPools } from '../sql/pools.ts';
import { createPostgresDatabase, type PostgresTestDatabase } from '../sql/testing.ts';
import { definition, Params } from './definition.ts';
import { run } from './run.ts';

let db: PostgresTestDatabase;
const CREDENTIAL_ID = '00000000-0000-4000-8000-00000000a001';

beforeAll(async () => {
  db = await createPostgresDatabase();
  await db.admin.query('create table stock (id serial primary key, sku text not null unique, qty int not null check (qty >= 0), note text)');
});

beforeEach(async () => {
  await db.admin.query("truncate stock restart identity; insert into stock (sku, qty) values ('TEA-1', 5), ('TEA-2', 3)");
});

afterAll(async () => {
  await closeSqlPools();
  await db?.drop();
});

const items = (...json: object[]): Item[] => json.map((j) => ({ json: { ...j } }));

/** Runs the node over `input`, each item's params made by `params(item)` as its expressions would. */
async function step(params: (item: Item) => Record<string, unknown>, input: Item[], options: TestContextOptions = {}) {
  const context = allItemsContext(definition, (item: Item) => ({ credential: CREDENTIAL_ID, ...params(item) }), input, {
    credentials: { credential: db.credential(CREDENTIAL_ID) },
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
const stock = async () => (await db.admin.query('select sku, qty from stock order by id')).rows;

describe('connector.postgres: run a query', () => {
  it('for each item, its values bound: the rows become items paired to their item', async () => {
    const output = await step((item) => ({ action: { operation: 'query', sql: 'select sku, qty from stock where sku = $1', parameters: [item.json.sku] } }), items({ sku: 'TEA-2' }, { sku: "x' or '1'='1" }, { sku: 'TEA-1' }));
    expect(output).toEqual([
      { json: { sku: 'TEA-2', qty: 3 }, pairedItem: 0 },
      { json: { sku: 'TEA-1', qty: 5 }, pairedItem: 2 },
    ]);
  });

  it('once for all items: its rows paired to the first item', async () => {
    const output = await step(() => ({ action: { operation: 'query', sql: 'select sku from stock order by sku', runFor: 'allItems' } }), items({ a: 1 }, { a: 2 }));
    expect(output).toEqual([
      { json: { sku: 'TEA-1' }, pairedItem: 0 },
      { json: { sku: 'TEA-2' }, pairedItem: 0 },
    ]);
  });

  it('takes the SQL as written: {{ }} in it is never filled in', () => {
    expect(definition.literalParams).toEqual(['action.sql']);
    expect(definition.mode).toBe('allItems');
    expect(definition.sideEffects).toBe(true);
  });
});

describe('connector.postgres: writes', () => {
  it('insert: how many rows, or the rows as stored when asked', async () => {
    const insert = (returnRows: boolean) => (item: Item) => ({
      action: { operation: 'insert', table: 'stock', returnRows, columns: [{ column: 'sku', value: item.json.sku }, { column: 'qty', value: item.json.qty }] },
    });
    expect(await step(insert(false), items({ sku: 'TEA-3', qty: 1 }))).toEqual([{ json: { affectedRows: 1 }, pairedItem: 0 }]);
    expect(await step(insert(true), items({ sku: "'); drop table stock; --", qty: 2 }, { sku: 'TEA-5', qty: 0 }))).toEqual([
      { json: { id: 4, sku: "'); drop table stock; --", qty: 2, note: null }, pairedItem: 0 },
      { json: { id: 5, sku: 'TEA-5', qty: 0, note: null }, pairedItem: 1 },
    ]);
    expect(await stock()).toHaveLength(5);
  });

  it('update the rows that match; none matching says 0', async () => {
    const update = (item: Item) => ({ action: { operation: 'update', table: 'stock', match: [{ column: 'sku', value: item.json.sku }], columns: [{ column: 'qty', value: item.json.qty }] } });
    expect(await step(update, items({ sku: 'TEA-1', qty: 9 }, { sku: 'NOPE', qty: 1 }))).toEqual([
      { json: { affectedRows: 1 }, pairedItem: 0 },
      { json: { affectedRows: 0 }, pairedItem: 1 },
    ]);
    expect(await stock()).toEqual([{ sku: 'TEA-1', qty: 9 }, { sku: 'TEA-2', qty: 3 }]);
  });

  it('insert or update on the key', async () => {
    const upsert = (item: Item) => ({
      action: { operation: 'upsert', table: 'stock', keyColumns: ['sku'], returnRows: true, columns: [{ column: 'sku', value: item.json.sku }, { column: 'qty', value: item.json.qty }] },
    });
    const output = await step(upsert, items({ sku: 'TEA-2', qty: 7 }, { sku: 'TEA-9', qty: 1 }));
    expect(output.map((item) => item.json)).toEqual([
      { id: 2, sku: 'TEA-2', qty: 7, note: null },
      { id: expect.any(Number), sku: 'TEA-9', qty: 1, note: null },
    ]);
    expect(await stock()).toEqual([{ sku: 'TEA-1', qty: 5 }, { sku: 'TEA-2', qty: 7 }, { sku: 'TEA-9', qty: 1 }]);
  });

  it('delete the rows that match', async () => {
    const output = await step((item) => ({ action: { operation: 'delete', table: 'stock', match: [{ column: 'sku', value: item.json.sku }] } }), items({ sku: 'TEA-1' }));
    expect(output).toEqual([{ json: { affectedRows: 1 }, pairedItem: 0 }]);
    expect(await stock()).toEqual([{ sku: 'TEA-2', qty: 3 }]);
  });
});

describe('connector.postgres: several items', () => {
  const take = (item: Item) => ({ action: { operation: 'update', table: 'stock', match: [{ column: 'sku', value: item.json.sku }], columns: [{ column: 'qty', value: item.json.qty }] } });
  // The second item would make the stock negative: the table's check refuses it.
  const input = () => items({ sku: 'TEA-1', qty: 4 }, { sku: 'TEA-2', qty: -1 }, { sku: 'TEA-1', qty: 1 });

  it('in one transaction: one failing rolls back all of them', async () => {
    const error = await failure(step(take, input()));
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.message).toBe('Item 2 of 3: The row breaks the check stock_qty_check of the table stock (SQL state 23514). The transaction was rolled back: no item was saved');
    expect(error.details).toEqual({ sqlState: '23514', constraint: 'stock_qty_check', item: 1 });
    expect(await stock()).toEqual([{ sku: 'TEA-1', qty: 5 }, { sku: 'TEA-2', qty: 3 }]);
  });

  it('item by item: those before the failure stay saved', async () => {
    const error = await failure(step((item) => ({ ...take(item), batch: 'itemByItem' }), input()));
    expect(error.message).toBe('Item 2 of 3: The row breaks the check stock_qty_check of the table stock (SQL state 23514). The 1 item(s) before it were saved');
    expect(await stock()).toEqual([{ sku: 'TEA-1', qty: 4 }, { sku: 'TEA-2', qty: 3 }]);
  });

  it('item by item, continuing on error: the good ones saved, the failed one carries its error', async () => {
    const output = await step((item) => ({ ...take(item), batch: 'itemByItem' }), input(), { continueOnError: true });
    expect(output).toEqual([
      { json: { affectedRows: 1 }, pairedItem: 0 },
      {
        json: {
          sku: 'TEA-2',
          qty: -1,
          error: { name: 'NonRetriableError', message: 'The row breaks the check stock_qty_check of the table stock (SQL state 23514)', details: { sqlState: '23514', constraint: 'stock_qty_check' } },
        },
        pairedItem: 1,
      },
      { json: { affectedRows: 1 }, pairedItem: 2 },
    ]);
    expect(await stock()).toEqual([{ sku: 'TEA-1', qty: 1 }, { sku: 'TEA-2', qty: 3 }]);
  });

  it('a cancelled step stops the running statement and rolls back', async () => {
    const controller = new AbortController();
    const reason = new Error('run cancelled');
    const sleepy = (item: Item) =>
      item.json.sleep
        ? { action: { operation: 'query', sql: 'select pg_sleep(10)' } }
        : { action: { operation: 'update', table: 'stock', match: [{ column: 'sku', value: 'TEA-1' }], columns: [{ column: 'qty', value: 0 }] } };
    setTimeout(() => controller.abort(reason), 300);
    const started = Date.now();
    expect(await failure(step(sleepy, items({ sleep: false }, { sleep: true }), { signal: controller.signal }))).toBe(reason);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await stock()).toEqual([{ sku: 'TEA-1', qty: 5 }, { sku: 'TEA-2', qty: 3 }]);
  });
});

describe('connector.postgres: params and credentials', () => {
  const issues = (params: unknown) => {
    const result = Params.safeParse({ credential: CREDENTIAL_ID, ...(params as object) });
    return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message, key: nodeMessageOf(issue)?.key }));
  };

  it('starts from sensible defaults', () => {
    expect(Params.parse({ credential: CREDENTIAL_ID, action: { operation: 'query', sql: 'select 1' } })).toEqual({
      credential: CREDENTIAL_ID,
      action: { operation: 'query', sql: 'select 1', parameters: [], runFor: 'eachItem' },
      batch: 'transaction',
      timeoutSeconds: 30,
    });
  });

  it('refuses table and column names that are not plain names, naming the field, with the node\'s own messages', () => {
    expect(issues({ action: { operation: 'insert', table: 'stock; drop table stock', columns: [{ column: 'sku', value: 1 }] } })).toEqual([
      { path: 'action.table', message: 'A table name has letters, digits and _ (e.g. orders), with its schema in front if needed (sales.orders)', key: 'connector.postgres.tableName' },
    ]);
    expect(issues({ action: { operation: 'update', table: 'stock', match: [{ column: 'id"', value: 1 }], columns: [{ column: 'qty', value: 1 }, { column: 'qty', value: 2 }] } })).toEqual([
      { path: 'action.match.0.column', message: 'A column name has letters, digits and _ (e.g. unit_price)', key: 'connector.postgres.columnName' },
      { path: 'action.columns.1.column', message: 'The column qty is given twice', key: 'connector.postgres.columnTwice' },
    ]);
    expect(issues({ action: { operation: 'upsert', table: 'stock', columns: [{ column: 'qty', value: 1 }], keyColumns: ['sku'] } })).toEqual([
      { path: 'action.keyColumns.0', message: 'The key column sku needs a value under Columns', key: 'connector.postgres.keyNotWritten' },
    ]);
    expect(issues({ action: { operation: 'delete', table: 'stock', match: [] } })[0]!.key).toBe('connector.postgres.noMatch');
    expect(issues({ action: { operation: 'query', sql: '  ' } })[0]!.key).toBe('connector.postgres.sqlEmpty');
  });

  it('refuses a credential of another type, and runs without one never', async () => {
    const wrong = allItemsContext(definition, { credential: CREDENTIAL_ID, action: { operation: 'query', sql: 'select 1' } }, items({}), {
      credentials: { credential: { id: CREDENTIAL_ID, type: 'mysql', data: { host: '127.0.0.1', port: 3306, user: 'root', ssl: 'disable' } } },
    });
    const error = await failure(Promise.resolve(run(wrong)));
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.message).toBe('This node needs a PostgreSQL credential, not a MySQL / MariaDB one');
    const none = allItemsContext(definition, { credential: CREDENTIAL_ID, action: { operation: 'query', sql: 'select 1' } }, items({}));
    expect((await failure(Promise.resolve(run(none)))).message).toBe('The credential this node uses was not provided to it');
  });
});

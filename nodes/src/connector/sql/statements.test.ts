/**
 * The SQL the writes make, in both dialects: every value a placeholder, every name
 * quoted, names that are not plain names refused before any SQL exists. Also the pieces
 * of the error wording that need no server.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { NodeError, NonRetriableError } from '../../sdk/index.ts';
import { excerptAt } from './errors.ts';
import { countPlaceholders, mysqlDriver } from './mysql.ts';
import { describeMysqlError } from './mysql-errors.ts';
import { postgresDriver } from './postgres.ts';
import { describePostgresError } from './postgres-errors.ts';
import { writeStatement } from './statements.ts';

const pgSyntax = postgresDriver.syntax;
const mySyntax = mysqlDriver.syntax;
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as NonRetriableError;
  }
  throw new Error('was not refused');
};

describe('write statements', () => {
  it('insert: each value bound, names quoted, the rows given back when asked (PostgreSQL)', () => {
    const columns = [
      { column: 'sku', value: "'); drop table stock; --" },
      { column: 'qty', value: 3 },
      { column: 'note', value: undefined },
    ];
    expect(writeStatement(pgSyntax, { operation: 'insert', table: 'stock', columns, returnRows: true })).toEqual({
      sql: 'insert into "stock" ("sku", "qty", "note") values ($1, $2, $3) returning *',
      values: ["'); drop table stock; --", 3, null],
    });
    expect(writeStatement(mySyntax, { operation: 'insert', table: 'shop.stock', columns, returnRows: true })).toEqual({
      sql: 'insert into `shop`.`stock` (`sku`, `qty`, `note`) values (?, ?, ?)',
      values: ["'); drop table stock; --", 3, null],
    });
  });

  it('update and delete match each column to its value, and an empty value to NULL', () => {
    const update = writeStatement(pgSyntax, {
      operation: 'update',
      table: 'sales.orders',
      match: [{ column: 'id', value: 7 }, { column: 'shop', value: null }],
      columns: [{ column: 'status', value: 'paid' }],
    });
    expect(update).toEqual({ sql: 'update "sales"."orders" set "status" = $1 where "id" = $2 and "shop" is null', values: ['paid', 7] });
    expect(writeStatement(mySyntax, { operation: 'delete', table: 'orders', match: [{ column: 'id', value: 7 }] })).toEqual({ sql: 'delete from `orders` where `id` = ?', values: [7] });
    expect(writeStatement(pgSyntax, { operation: 'delete', table: 'orders', match: [{ column: 'id', value: 7 }], returnRows: true }).sql).toBe('delete from "orders" where "id" = $1 returning *');
  });

  it('upsert updates the columns that are not the key: on conflict (PostgreSQL), on duplicate key (MySQL)', () => {
    const action = { operation: 'upsert' as const, table: 'stock', columns: [{ column: 'sku', value: 'TEA-1' }, { column: 'qty', value: 5 }], keyColumns: ['sku'] };
    expect(writeStatement(pgSyntax, action)).toEqual({
      sql: 'insert into "stock" ("sku", "qty") values ($1, $2) on conflict ("sku") do update set "qty" = excluded."qty"',
      values: ['TEA-1', 5],
    });
    expect(writeStatement(mySyntax, action)).toEqual({ sql: 'insert into `stock` (`sku`, `qty`) values (?, ?) on duplicate key update `qty` = values(`qty`)', values: ['TEA-1', 5] });
    const onlyKey = { ...action, columns: [{ column: 'sku', value: 'TEA-1' }] };
    expect(writeStatement(pgSyntax, onlyKey).sql).toBe('insert into "stock" ("sku") values ($1) on conflict ("sku") do nothing');
    expect(writeStatement(mySyntax, onlyKey).sql).toBe('insert into `stock` (`sku`) values (?) on duplicate key update `sku` = `sku`');
    expect(refusal(() => writeStatement(pgSyntax, { ...action, keyColumns: ['code'] })).message).toBe(
      'The key column code (field keyColumns[0]) is not among the columns to write: give its value under columns',
    );
  });

  it('names in any script are quoted; anything else is refused, naming the field', () => {
    expect(writeStatement(pgSyntax, { operation: 'insert', table: '庫存', columns: [{ column: '商品編號', value: 'A' }] }).sql).toBe('insert into "庫存" ("商品編號") values ($1)');
    const hostile = ['stock; drop table stock', 'stock"', 'a.b.c', '1stock', '', 'st ock', 'stock--', '`stock`'];
    for (const table of hostile) {
      for (const syntax of [pgSyntax, mySyntax]) {
        const error = refusal(() => writeStatement(syntax, { operation: 'insert', table, columns: [{ column: 'sku', value: 1 }] }));
        expect(error).toBeInstanceOf(NonRetriableError);
        expect(error.message).toContain('(field table) is not a table name');
      }
    }
    const column = refusal(() => writeStatement(mySyntax, { operation: 'update', table: 't', match: [{ column: 'id', value: 1 }], columns: [{ column: 'qty`=0 --', value: 1 }] }));
    expect(column.message).toBe('"qty`=0 --" (field columns[0].column) is not a column name Junction can use: letters, digits and _ (and $ after the first character)');
    expect((column as NodeError).details).toEqual({ field: 'columns[0].column' });
    expect(refusal(() => writeStatement(pgSyntax, { operation: 'delete', table: 't', match: [{ column: 'id) or (1=1', value: 1 }] })).message).toContain('(field match[0].column)');
    expect(refusal(() => writeStatement(pgSyntax, { operation: 'delete', table: 't', match: [] })).message).toBe('Say which rows (field match): at least one column and its value');
  });
});

describe('MySQL placeholders', () => {
  it('are counted outside quotes and comments', () => {
    expect(countPlaceholders('select * from t where a = ? and b = ?')).toBe(2);
    expect(countPlaceholders("select '?', \"?\", `?` from t where a = ? -- ?\n and b = ? # ?\n /* ? */")).toBe(2);
    expect(countPlaceholders("select 'it\\'s ?' , ? ")).toBe(1);
    expect(countPlaceholders('select 1')).toBe(0);
  });
});

describe('error wording', () => {
  it('quotes the SQL around a position on one line', () => {
    expect(excerptAt('select *\nfrom orders wher id = 1', 21)).toBe('select * from orders wher id = 1');
    expect(excerptAt(`${'a'.repeat(50)}WHERE${'b'.repeat(50)}`, 51)).toBe(`…${'a'.repeat(20)}WHERE${'b'.repeat(15)}…`);
  });

  it('says the password was refused, without the password (PostgreSQL 28P01, which this machine\'s trusting server never sends)', () => {
    const refused = Object.assign(new pg.DatabaseError('password authentication failed for user "shop"', 0, 'error'), { code: '28P01' });
    const error = describePostgresError(refused, { sql: '', where: 'db.example.com:5432/shop', timeoutMs: 30_000 });
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.message).toBe('The database refused the password for this user (check the credential) (SQL state 28P01)');
    expect(error.details).toEqual({ sqlState: '28P01' });
  });

  it('tells retriable failures from the others by SQL state and error number', () => {
    const pgError = (code: string, message = 'x') => describePostgresError(Object.assign(new pg.DatabaseError(message, 0, 'error'), { code }), { sql: '', where: 'h:5432/d', timeoutMs: 1000 });
    expect(pgError('40P01')).not.toBeInstanceOf(NonRetriableError);
    expect(pgError('40001')).not.toBeInstanceOf(NonRetriableError);
    expect(pgError('57P01')).not.toBeInstanceOf(NonRetriableError);
    expect(pgError('08P01', 'bind message supplies 2 parameters, but prepared statement "" requires 1')).toBeInstanceOf(NonRetriableError);
    expect(pgError('08P01', 'bind message supplies 2 parameters, but prepared statement "" requires 1').message).toBe(
      'The SQL uses 1 value placeholder(s) ($1 …) but 2 value(s) are given under Parameters (SQL state 08P01)',
    );
    expect(pgError('42601')).toBeInstanceOf(NonRetriableError);
    const myError = (errno: number, sqlState: string) => describeMysqlError(Object.assign(new Error('x'), { errno, sqlState, sqlMessage: 'x' }), { where: 'h:3306', timeoutMs: 1000 });
    expect(myError(1213, '40001')).not.toBeInstanceOf(NonRetriableError);
    expect(myError(1205, 'HY000')).not.toBeInstanceOf(NonRetriableError);
    expect(myError(1064, '42000')).toBeInstanceOf(NonRetriableError);
    expect(myError(1045, '28000')).toBeInstanceOf(NonRetriableError);
  });
});

/**
 * The params of the database nodes (connector.postgres, connector.mysql), built here once
 * for both. Browser-safe: the definitions import it. Each node raises the check messages
 * from its own words, so the node passes them in (`SqlChecks`).
 *
 * Values are never written into SQL: a query's values are bound to its placeholders, and
 * the writes (insert, update, upsert, delete) bind every column value. Only identifiers
 * (tables, columns) are part of the SQL text, and only after a strict check of their
 * form (`TABLE_NAME`, `COLUMN_NAME`); the SQL of a query is taken as written, never
 * filled in by expressions (`SQL_LITERAL_PARAMS`).
 */
import { z } from 'zod';
import { CredentialRef } from '../../credentials/types.ts';

/** A column name: letters (any script), digits, `_` and `$`, not starting with a digit or `$`; at most 64 characters. */
export const COLUMN_NAME = /^[\p{L}_][\p{L}\p{N}_$]{0,63}$/u;
/** A table name, optionally with its schema (PostgreSQL) or database (MySQL) in front: `orders`, `shop.orders`. */
export const TABLE_NAME = /^[\p{L}_][\p{L}\p{N}_$]{0,63}(?:\.[\p{L}_][\p{L}\p{N}_$]{0,63})?$/u;

/** The params that are never expressions: a `{{ }}` in the SQL is SQL text, not a value spliced in. */
export const SQL_LITERAL_PARAMS = ['action.sql'] as const;

export const SQL_OPERATIONS = ['query', 'insert', 'update', 'upsert', 'delete'] as const;
export type SqlOperation = (typeof SQL_OPERATIONS)[number];

type Check = { error: (issue: z.core.$ZodRawIssue) => string };
type Issue = { code: 'custom'; message: string; params: Record<string, unknown> };

/** The node's own messages for the checks of its params (see `nodeMessages`). */
export interface SqlChecks {
  sqlEmpty: Check;
  tableName: Check;
  columnName: Check;
  noColumns: Check;
  noMatch: Check;
  noKey: Check;
  columnTwice(column: string): Issue;
  keyNotWritten(column: string): Issue;
}

/** How the dialects differ in what a person writes. */
export interface SqlFormDialect {
  /** How a query refers to its values: `$1, $2 …` or `?`. */
  placeholders: string;
  /** What "schema" is called in front of a table name. */
  tableExample: string;
}

export const POSTGRES_FORM: SqlFormDialect = { placeholders: '$1, $2 …', tableExample: 'orders, or sales.orders with its schema' };
export const MYSQL_FORM: SqlFormDialect = { placeholders: '?', tableExample: 'orders, or shop.orders with its database' };

/**
 * The operations' param shapes, to be joined into a `z.discriminatedUnion('operation', …)`
 * by each node (PostgreSQL adds "return the rows" to the writes).
 */
export function sqlOperations(dialect: SqlFormDialect, check: SqlChecks) {
  const table = z.string().trim().regex(TABLE_NAME, check.tableName).describe(`The table, e.g. ${dialect.tableExample}.`);
  const column = z.string().trim().regex(COLUMN_NAME, check.columnName).describe('The column name, e.g. sku.');
  const value = z.unknown().describe('The value: text, a number, true/false, empty (null), or an expression such as {{ $json.sku }}.');
  const columnValue = z.object({ column, value }).strict();
  const columns = z.array(columnValue).min(1, check.noColumns).max(500);
  const match = z.array(columnValue).min(1, check.noMatch).max(50);
  return {
    query: z
      .object({
        operation: z.literal('query'),
        sql: z
          .string()
          .trim()
          .min(1, check.sqlEmpty)
          .max(100_000)
          .describe(`The SQL to run. Put values in as ${dialect.placeholders} and give them under Parameters: they are sent apart from the SQL, never written into it.`)
          .meta({ contentMediaType: 'text/x-sql' }),
        parameters: z
          .array(z.unknown())
          .max(500)
          .default([])
          .describe(`The values of ${dialect.placeholders}, in order; each may be an expression, e.g. {{ $json.sku }}.`),
        runFor: z
          .enum(['eachItem', 'allItems'])
          .default('eachItem')
          .describe('eachItem: the query runs for every item, with that item\'s values; allItems: it runs once (expressions see the first item).'),
      })
      .strict(),
    insert: z
      .object({
        operation: z.literal('insert'),
        table,
        columns: columns.describe('The columns of the new row and the value of each.'),
      })
      .strict(),
    update: z
      .object({
        operation: z.literal('update'),
        table,
        match: match.describe('Which rows: those where each of these columns has its value (e.g. sku = {{ $json.sku }}).'),
        columns: columns.describe('The columns to change and their new values.'),
      })
      .strict(),
    upsert: z
      .object({
        operation: z.literal('upsert'),
        table,
        columns: columns.describe('The columns of the row and the value of each, the key columns included.'),
        keyColumns: z
          .array(column)
          .min(1, check.noKey)
          .max(32)
          .describe('The columns that identify a row: its primary key or a unique constraint, e.g. sku. A row with the same key is updated, otherwise one is inserted.'),
      })
      .strict(),
    delete: z
      .object({
        operation: z.literal('delete'),
        table,
        match: match.describe('Which rows: those where each of these columns has its value (e.g. sku = {{ $json.sku }}).'),
      })
      .strict(),
  };
}

/** The PostgreSQL writes' extra field: the rows as the database stored them (`returning *`). */
export const returnRows = z.boolean().default(false).describe('Give the rows as stored (with their generated ids and defaults) instead of how many rows changed.');

/** The params of a database node around its operations union: the credential, how items go together, the time limit. */
export function sqlParams<A extends z.ZodType<{ operation: SqlOperation }>>(action: A, check: SqlChecks) {
  return z
    .object({
      credential: CredentialRef.describe('The database connection (a credential of the vault).'),
      action: action.describe('What to do in the database.'),
      batch: z
        .enum(['transaction', 'itemByItem'])
        .default('transaction')
        .describe(
          'transaction: every item\'s statement in one transaction, all saved or none; itemByItem: each item\'s statement is saved on its own (with "continue on error", a failed item carries its error and the others go on).',
        ),
      timeoutSeconds: z.number().min(1).max(3600).default(30).describe('The longest one statement may run; the database stops it after that.'),
    })
    .strict()
    .superRefine((params, ctx) => {
      // The operation union is generic here; its shape is read as plain data.
      const action = (params as unknown as { action: Record<string, unknown> }).action;
      const written = Array.isArray(action.columns) ? (action.columns as { column?: unknown }[]) : [];
      const seen = new Set<string>();
      written.forEach((entry, i) => {
        if (typeof entry?.column !== 'string') return;
        if (seen.has(entry.column)) ctx.addIssue({ ...check.columnTwice(entry.column), path: ['action', 'columns', i, 'column'] });
        seen.add(entry.column);
      });
      if (action.operation === 'upsert' && Array.isArray(action.keyColumns)) {
        (action.keyColumns as unknown[]).forEach((key, i) => {
          if (typeof key === 'string' && !seen.has(key)) ctx.addIssue({ ...check.keyNotWritten(key), path: ['action', 'keyColumns', i] });
        });
      }
    });
}

/** A database node's params, as `run` gets them: the shape both nodes share (`returnRows` only where the dialect has it). */
export interface SqlParams {
  credential: string;
  action: SqlAction;
  batch: 'transaction' | 'itemByItem';
  timeoutSeconds: number;
}

export interface ColumnValue {
  column: string;
  value?: unknown;
}

export type SqlAction =
  | { operation: 'query'; sql: string; parameters: unknown[]; runFor: 'eachItem' | 'allItems' }
  | { operation: 'insert'; table: string; columns: ColumnValue[]; returnRows?: boolean }
  | { operation: 'update'; table: string; match: ColumnValue[]; columns: ColumnValue[]; returnRows?: boolean }
  | { operation: 'upsert'; table: string; columns: ColumnValue[]; keyColumns: string[]; returnRows?: boolean }
  | { operation: 'delete'; table: string; match: ColumnValue[]; returnRows?: boolean };

export type SqlWrite = Exclude<SqlAction, { operation: 'query' }>;

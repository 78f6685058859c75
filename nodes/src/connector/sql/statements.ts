/**
 * The SQL of the writes (insert, update, upsert, delete) for one item: every value a
 * bound placeholder, every name checked against `TABLE_NAME` / `COLUMN_NAME` and then
 * quoted with the driver's identifier escaping. The params' schema checks the names
 * already; they are checked again here because this is where they become SQL.
 */
import { NonRetriableError } from '../../sdk/index.ts';
import type { SqlSyntax } from './driver.ts';
import { COLUMN_NAME, TABLE_NAME, type ColumnValue, type SqlWrite } from './params.ts';

export interface Statement {
  sql: string;
  values: unknown[];
}

const shown = (value: unknown) => (typeof value === 'string' ? `"${value.slice(0, 80)}${value.length > 80 ? '…' : ''}"` : String(value));

/** `orders` → `"orders"`, `sales.orders` → `"sales"."orders"`; anything else is refused, naming the field. */
export function quoteTable(syntax: SqlSyntax, table: unknown, field = 'table'): string {
  if (typeof table !== 'string' || !TABLE_NAME.test(table)) {
    throw new NonRetriableError(
      `${shown(table)} (field ${field}) is not a table name Junction can use: letters, digits and _ (and $ after the first character), with its schema in front if needed (sales.orders)`,
      { details: { field } },
    );
  }
  return table.split('.').map(syntax.quote).join('.');
}

/** A column name quoted; anything but a plain name is refused, naming the field. */
export function quoteColumn(syntax: SqlSyntax, column: unknown, field: string): string {
  if (typeof column !== 'string' || !COLUMN_NAME.test(column)) {
    throw new NonRetriableError(`${shown(column)} (field ${field}) is not a column name Junction can use: letters, digits and _ (and $ after the first character)`, {
      details: { field },
    });
  }
  return syntax.quote(column);
}

/** The SQL and bound values of one item's write. */
export function writeStatement(syntax: SqlSyntax, action: SqlWrite): Statement {
  const values: unknown[] = [];
  const bind = (value: unknown) => {
    values.push(value === undefined ? null : value);
    return syntax.placeholder(values.length);
  };
  const table = quoteTable(syntax, action.table);
  const returning = action.returnRows && syntax.returning ? ' returning *' : '';
  const names = (columns: readonly ColumnValue[], field: string) => columns.map((entry, i) => quoteColumn(syntax, entry.column, `${field}[${i}].column`));
  /** `"sku" = $1 and "shop" is null`: a row matches when each column has its value (empty matches NULL). */
  const where = (match: readonly ColumnValue[]) => {
    if (match.length === 0) throw new NonRetriableError('Say which rows (field match): at least one column and its value', { details: { field: 'match' } });
    const columns = names(match, 'match');
    return match.map((entry, i) => (entry.value === null || entry.value === undefined ? `${columns[i]} is null` : `${columns[i]} = ${bind(entry.value)}`)).join(' and ');
  };
  const needColumns = (columns: readonly ColumnValue[]) => {
    if (columns.length === 0) throw new NonRetriableError('Give at least one column and its value (field columns)', { details: { field: 'columns' } });
  };

  switch (action.operation) {
    case 'insert': {
      needColumns(action.columns);
      const columns = names(action.columns, 'columns');
      const placeholders = action.columns.map((entry) => bind(entry.value));
      return { sql: `insert into ${table} (${columns.join(', ')}) values (${placeholders.join(', ')})${returning}`, values };
    }
    case 'update': {
      needColumns(action.columns);
      const columns = names(action.columns, 'columns');
      const set = action.columns.map((entry, i) => `${columns[i]} = ${bind(entry.value)}`).join(', ');
      return { sql: `update ${table} set ${set} where ${where(action.match)}${returning}`, values };
    }
    case 'upsert': {
      needColumns(action.columns);
      const columns = names(action.columns, 'columns');
      const written = action.columns.map((entry) => entry.column);
      if (action.keyColumns.length === 0) throw new NonRetriableError('Name the key columns (field keyColumns)', { details: { field: 'keyColumns' } });
      const keys = action.keyColumns.map((key, i) => {
        const quoted = quoteColumn(syntax, key, `keyColumns[${i}]`);
        if (!written.includes(key)) {
          throw new NonRetriableError(`The key column ${key} (field keyColumns[${i}]) is not among the columns to write: give its value under columns`, { details: { field: `keyColumns[${i}]` } });
        }
        return quoted;
      });
      const updated = columns.filter((_, i) => !action.keyColumns.includes(written[i]!));
      const placeholders = action.columns.map((entry) => bind(entry.value));
      return {
        sql: `insert into ${table} (${columns.join(', ')}) values (${placeholders.join(', ')}) ${syntax.upsertClause(keys, updated)}${returning}`,
        values,
      };
    }
    case 'delete':
      return { sql: `delete from ${table} where ${where(action.match)}${returning}`, values };
  }
}

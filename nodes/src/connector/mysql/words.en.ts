import type { NodeWords } from '../../sdk/words.ts';

export const words = {
  label: 'MySQL / MariaDB',
  description: 'Reads and writes a MySQL or MariaDB database: runs a query, or inserts, updates, inserts-or-updates or deletes a row for each item.',
  params: {
    credential: { label: 'Database', help: 'The MySQL or MariaDB connection, from the credentials vault.' },
    action: { label: 'What to do' },
    operation: { label: 'Operation', choose: 'Choose what to do' },
    sql: {
      label: 'SQL',
      help: 'The SQL to run. Put a ? for each value and list them under Parameters: they are sent apart from the SQL, so no value can change what the SQL does.',
    },
    parameters: { label: 'Parameters', help: 'The values of the ? in the SQL, in order; each may be an expression, e.g. {{ $json.sku }}.' },
    runFor: { label: 'Run the query', help: 'For each item with its values, or once (its values from the first item).' },
    table: { label: 'Table', help: 'e.g. orders, or shop.orders with its database.' },
    columns: { label: 'Columns', help: 'Each column and its value; a value may be an expression, e.g. {{ $json.price }}.' },
    column: { label: 'Column' },
    value: { label: 'Value' },
    match: { label: 'Rows where', help: 'Each of these columns has its value, e.g. sku = {{ $json.sku }}. An empty value matches empty (NULL).' },
    keyColumns: {
      label: 'Key columns',
      help: 'The columns that identify a row (its primary key or a unique constraint), e.g. sku: a row with the same key is updated, otherwise one is inserted (by any primary key or unique key of the table: MySQL decides which).',
    },
    batch: {
      label: 'Several items',
      help: 'In one transaction: all items are saved, or none if one fails. Item by item: each is saved on its own; if "When this step fails" says "Record the error and go on", a failed item carries its error and the others go on. A retry of the step runs every item again.',
    },
    timeoutSeconds: { label: 'Time limit per statement (seconds)', help: 'The database stops a statement that runs longer.' },
  },
  options: {
    operation: { query: 'Run a query', insert: 'Insert rows', update: 'Update rows', upsert: 'Insert or update', delete: 'Delete rows' },
    runFor: { eachItem: 'Once for each item', allItems: 'Once for all items' },
    batch: { transaction: 'All in one transaction (all or nothing)', itemByItem: 'Item by item (each saved on its own)' },
  },
  messages: {
    sqlEmpty: 'Write the SQL to run',
    tableName: 'A table name has letters, digits and _ (e.g. orders), with its database in front if needed (shop.orders)',
    columnName: 'A column name has letters, digits and _ (e.g. unit_price)',
    noColumns: 'Give at least one column and its value',
    noMatch: 'Say which rows: at least one column and its value',
    noKey: 'Name the column(s) that identify a row, e.g. sku',
    columnTwice: 'The column {{column}} is given twice',
    keyNotWritten: 'The key column {{column}} needs a value under Columns',
  },
} as const satisfies NodeWords;

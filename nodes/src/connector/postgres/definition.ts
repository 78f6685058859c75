import { z } from 'zod';
import { defineNode, nodeMessages } from '../../sdk/index.ts';
import { POSTGRES_FORM, returnRows, SQL_LITERAL_PARAMS, sqlOperations, sqlParams, type SqlChecks } from '../sql/params.ts';
import { words } from './words.en.ts';

const say = nodeMessages('connector.postgres', words.messages);

const checks: SqlChecks = {
  sqlEmpty: say.check('sqlEmpty'),
  tableName: say.check('tableName'),
  columnName: say.check('columnName'),
  noColumns: say.check('noColumns'),
  noMatch: say.check('noMatch'),
  noKey: say.check('noKey'),
  columnTwice: (column) => say.issue('columnTwice', { column }),
  keyNotWritten: (column) => say.issue('keyNotWritten', { column }),
};

const operation = sqlOperations(POSTGRES_FORM, checks);

export const Params = sqlParams(
  z.discriminatedUnion('operation', [
    operation.query,
    // PostgreSQL's writes can give back the rows as stored (`returning *`).
    operation.insert.extend({ returnRows }),
    operation.update.extend({ returnRows }),
    operation.upsert.extend({ returnRows }),
    operation.delete.extend({ returnRows }),
  ]),
  checks,
);
export type Params = z.infer<typeof Params>;

export const definition = defineNode({
  type: 'connector.postgres',
  version: 1,
  label: words.label,
  description: words.description,
  icon: 'database',
  category: 'connector',
  inputs: ['main'],
  outputs: ['main'],
  params: Params,
  // The items go together: one transaction for all of them, one connection for the step.
  mode: 'allItems',
  literalParams: SQL_LITERAL_PARAMS,
  // A query can write too.
  sideEffects: true,
  // Retried: connection problems, deadlocks, the time limit (NodeError); never wrong SQL or data (NonRetriableError).
  retry: { maxAttempts: 3, backoffMs: 2000, maxBackoffMs: 30_000 },
  credentials: [{ param: 'credential', types: ['postgres'] }],
});

/**
 * What the database nodes do with a step's items, for both dialects: each item's query
 * or write (or one query for all), in one transaction or item by item, and the answers
 * as items paired to the item they came from. The nodes' run.ts call `runSqlStep`.
 */
import { CREDENTIAL_TYPES } from '../../credentials/types.ts';
import { NodeError, NonRetriableError, TransientError, type AllItemsContext, type Item, type PortItems } from '../../sdk/index.ts';
import type { SqlDialect, SqlResult } from './driver.ts';
import type { SqlAction, SqlParams } from './params.ts';
import { withSqlSession, type SqlSession } from './sessions.ts';
import { writeStatement } from './statements.ts';

async function runAction(session: SqlSession, action: SqlAction): Promise<SqlResult> {
  if (action.operation === 'query') return session.query(action.sql, action.parameters);
  const statement = writeStatement(session.syntax, action);
  return session.query(statement.sql, statement.values);
}

/** A query's rows, or the rows a write gave back, become items; otherwise one item says how many rows changed. */
function itemsOf(action: SqlAction, result: SqlResult, index: number): Item[] {
  if (action.operation === 'query' || action.returnRows) return result.rows.map((json) => ({ json, pairedItem: index }));
  return [{ json: { affectedRows: result.affectedRows, ...(result.insertId !== undefined ? { insertId: result.insertId } : {}) }, pairedItem: index }];
}

/** `error` saying which item it was about (when there are several) and what became of the others; class and details kept. */
function atItem(error: unknown, index: number, count: number, outcome: string | undefined): unknown {
  if (!(error instanceof Error)) return error;
  const where = count > 1 ? `Item ${index + 1} of ${count}: ` : '';
  const message = `${where}${error.message}${outcome ? `. ${outcome}` : ''}`;
  const details = { ...(error instanceof NodeError ? error.details : {}), ...(count > 1 ? { item: index } : {}) };
  const ErrorClass = error instanceof NonRetriableError ? NonRetriableError : error instanceof TransientError ? TransientError : NodeError;
  return new ErrorClass(message, { cause: error, details });
}

/** The failed item with its error, as the runtime puts it on items when a node continues on error. */
function failedItem(item: Item, index: number, error: unknown): Item {
  const failure = error instanceof Error ? error : new Error(String(error));
  const details = failure instanceof NodeError ? failure.details : undefined;
  return { json: { ...item.json, error: { name: failure.name, message: failure.message, ...(details ? { details } : {}) } }, pairedItem: index };
}

/**
 * Runs a database node's step: checks the credential, then each item's statement in one
 * session of the credential's pool.
 */
export async function runSqlStep(dialect: SqlDialect, ctx: AllItemsContext<SqlParams>): Promise<PortItems> {
  const credential = ctx.credentials.credential;
  if (!credential) throw new NonRetriableError('The credential this node uses was not provided to it');
  if (credential.type !== dialect) {
    throw new NonRetriableError(`This node needs a ${CREDENTIAL_TYPES[dialect].label} credential, not a ${CREDENTIAL_TYPES[credential.type].label} one`);
  }
  const { items, signal } = ctx;
  const itemParams = await ctx.itemParams();
  const first = ctx.params.action;
  const options = { timeoutMs: ctx.params.timeoutSeconds * 1000, signal };

  return withSqlSession(credential, options, async (session) => {
    if (first.operation === 'query' && first.runFor === 'allItems') {
      // Once for all: its values came from the first item's expressions, so its rows are paired to it.
      const result = await session.query(first.sql, first.parameters);
      return { main: itemsOf(first, result, 0) };
    }
    const out: Item[] = [];
    if (ctx.params.batch === 'transaction') {
      await session.transaction(async () => {
        for (let index = 0; index < items.length; index++) {
          try {
            out.push(...itemsOf(itemParams[index]!.action, await runAction(session, itemParams[index]!.action), index));
          } catch (error) {
            if (signal.aborted) throw signal.reason;
            throw atItem(error, index, items.length, items.length > 1 ? 'The transaction was rolled back: no item was saved' : undefined);
          }
        }
      });
      return { main: out };
    }
    let saved = 0;
    for (let index = 0; index < items.length; index++) {
      signal.throwIfAborted();
      try {
        out.push(...itemsOf(itemParams[index]!.action, await runAction(session, itemParams[index]!.action), index));
        saved++;
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (ctx.continueOnError) {
          out.push(failedItem(items[index]!, index, error));
          continue;
        }
        throw atItem(error, index, items.length, saved > 0 ? `The ${saved} item(s) before it were saved` : undefined);
      }
    }
    return { main: out };
  });
}

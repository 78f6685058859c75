import { applyHttpCredential } from '../../credentials/http-auth.ts';
import { outboundFetch, refusalOf } from '../../outbound/connect.ts';
import type { SqlCredential } from '../../connector/sql/driver.ts';
import { querySql } from '../../connector/sql/sessions.ts';
import { getField, NodeError, nodeMessages, type AllItemsRun, type JsonObject, type PollRun } from '../../sdk/index.ts';
import type { Params } from './definition.ts';
import { words } from './words.en.ts';

const say = nodeMessages('trigger.poll', words.messages);

/** A poll's run starts with the new rows it found, one item each (a run started by hand gets what it was given). */
export const run: AllItemsRun<Params> = ({ items }) => ({ main: items });

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Looks at the source: the rows it holds now. The runtime decides which are new (runtime/polls.ts). */
export const poll: PollRun<Params> = async ({ params, credentials, signal, redact, scrub }) => {
  const { source } = params;
  const credential = credentials.credential;
  if (source.kind === 'sql') {
    if (credential?.type !== 'postgres' && credential?.type !== 'mysql') throw say.fail('credentialNeeded');
    const { rows } = await querySql(credential as SqlCredential, source.sql, source.values, { timeoutMs: params.timeoutSeconds * 1000, signal });
    return rows;
  }
  const url = new URL(source.url);
  const headers = new Headers({ accept: 'application/json' });
  for (const header of source.headers) headers.set(header.name, header.value);
  if (credential) await applyHttpCredential(credential, url, headers, { signal, redact, scrub });
  let response: Awaited<ReturnType<typeof outboundFetch>>;
  try {
    response = await outboundFetch(url, { headers, signal, redirect: 'follow' });
  } catch (error) {
    // A refused address says which and what to change; other failures go on as they came.
    throw refusalOf(error) ?? error;
  }
  const text = await response.text();
  if (!response.ok) {
    const error = say.fail('httpStatus', { status: response.status, host: url.host });
    throw response.status >= 500 || response.status === 429 ? new NodeError(error.message, { details: error.details }) : error;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw say.fail('notJson', { host: url.host });
  }
  const list = source.itemsPath ? getField(body as JsonObject, source.itemsPath) : body;
  if (!Array.isArray(list)) throw say.fail('notAList', { path: source.itemsPath || '(the answer)' });
  return list.map((entry, i) => {
    if (!isObject(entry)) throw say.fail('notAnObject', { index: i + 1 });
    return entry;
  });
};

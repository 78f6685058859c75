/**
 * Polling triggers at work: each firing looks at the source (a query, an API) outside any
 * transaction, then — in one transaction with the timer locked — decides what is news
 * against what the trigger remembers (core/polls.ts), starts the runs, remembers, and
 * brings the timer's job back. A crash before the commit changes nothing; after it, the
 * same look finds nothing new: every firing's news start runs exactly once.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { nextFirings, type CredentialValue, type GraphNode, type JsonObject, type ServerNode, type WorkflowGraph } from '@junction/nodes';
import { pollState, recordPoll, seenKeys } from '../db/queries/polls.ts';
import { insertFiredRuns, lockTimer, scheduleNextFiring, type FiredRun, type TriggerJob } from '../db/queries/triggers.ts';
import { log } from '../log.ts';
import type { CredentialResolver } from '../vault/resolve.ts';
import { Redactor } from '../vault/redact.ts';
import { keyOf, pollNews, type EmitRule, type PollOutcome } from './core/polls.ts';
import { inTransaction } from '../db/client.ts';

/** trigger.poll's params, as far as the runtime reads them. */
export interface PollParams {
  rule: Parameters<typeof nextFirings>[0];
  timezone: string;
  emit: EmitRule;
  firstPoll: 'fromNow' | 'emitNow';
  runPer: 'poll' | 'item';
  timeoutSeconds: number;
}

export interface PollContext {
  pool: pg.Pool;
  nodes: ReadonlyMap<string, ServerNode>;
  credentials: CredentialResolver;
  now?: () => Date;
  /** Aborted when the worker stops: a look in progress gives up. */
  signal?: AbortSignal;
}

/** Looks at the poll's source: the rows it holds now. */
export async function lookAt(rt: PollContext, workflowId: string, node: GraphNode, params: PollParams, zone: string): Promise<JsonObject[]> {
  const type = rt.nodes.get(node.type);
  const poll = type?.mode === 'allItems' ? type.poll : undefined;
  if (!type || !poll) throw new Error(`the node type ${node.type} cannot poll`);
  const redactor = new Redactor();
  const credentials: Record<string, CredentialValue> = {};
  for (const slot of type.definition.credentials ?? []) {
    const id = node.params[slot.param];
    if (typeof id === 'string') credentials[slot.param] = await rt.credentials.resolve(workflowId, id, slot, redactor);
  }
  const signal = AbortSignal.any([AbortSignal.timeout(params.timeoutSeconds * 1000), ...(rt.signal ? [rt.signal] : [])]);
  try {
    return await poll({ params, node: { id: node.id, name: node.name, type: node.type }, credentials, signal, timezone: zone,
      redact: (secret: string) => redactor.add(secret),
      scrub: (text: string, maxChars?: number) => redactor.text(text, maxChars),
    });
  } catch (error) {
    // What a source says may quote a secret: scrubbed before anyone logs or stores it.
    throw new Error(redactor.text(error instanceof Error ? error.message : String(error)), { cause: error });
  }
}

/** What a look means against what the trigger remembers; `lock` in a firing's transaction, not in a preview. */
export async function newsOf(client: Pick<pg.PoolClient, 'query'>, workflowId: string, nodeId: string, params: PollParams, rows: JsonObject[], lock: boolean): Promise<PollOutcome> {
  const state = await pollState(client, workflowId, nodeId, lock);
  const keys = params.emit.what === 'new' && params.emit.by === 'watermark' ? [] : rows.flatMap((row) => keyOf(row, params.emit.field) ?? []);
  const seen = await seenKeys(client, workflowId, nodeId, keys);
  return pollNews(rows, params.emit, { first: state.first, watermark: state.watermark, seen }, params.firstPoll === 'emitNow');
}

/** A poll's firing: look, then start what is new and remember, in one transaction. */
export async function firePoll(rt: PollContext, job: TriggerJob, node: GraphNode, params: PollParams, zone: string, graph: WorkflowGraph): Promise<void> {
  const now = rt.now?.() ?? new Date();
  let rows: JsonObject[] | null = null;
  let problem: string | null = null;
  try {
    rows = await lookAt(rt, job.workflowId, node, params, zone);
  } catch (error) {
    problem = (error as Error).message.slice(0, 1000);
    log.warn('a poll could not look at its source; it looks again at its next firing', { workflowId: job.workflowId, nodeId: job.nodeId, error: problem });
  }
  await inTransaction(rt.pool, async (client) => {
    const timer = await lockTimer(client, job);
    if (!timer) return;
    if (rows) {
      const outcome = await newsOf(client, job.workflowId, job.nodeId, params, rows, true);
      if (outcome.skipped > 0) log.warn('a poll left out rows without a usable key', { workflowId: job.workflowId, nodeId: job.nodeId, field: params.emit.field, rows: outcome.skipped });
      const batches = params.runPer === 'item' ? outcome.news.map((row) => [row]) : outcome.news.length > 0 ? [outcome.news] : [];
      const runs: FiredRun[] = batches.map((batch) => ({
        id: randomUUID(),
        workflowId: job.workflowId,
        versionId: timer.versionId,
        triggerNodeId: job.nodeId,
        mode: 'poll',
        input: batch.map((json) => ({ json })),
        timeoutSeconds: graph.settings.timeoutSeconds,
        firedFor: null,
      }));
      await insertFiredRuns(client, runs);
      await recordPoll(client, job.workflowId, job.nodeId, outcome);
    }
    const [next] = nextFirings(params.rule, zone, now, 1);
    if (next) await scheduleNextFiring(client, job, next, rows ? now : null, problem);
  });
}

/**
 * Timed triggers at work: when a workflow is activated, each schedule and poll trigger of
 * its version gets a timer whose job comes due at its next firing; the job (`trigger`)
 * starts the firing's run — one per instant, in the same transaction that brings the job
 * back for the next firing — so a firing is never lost nor run twice, with any number of
 * worker processes. Firings missed while Junction was stopped, and firings while the
 * previous run still goes, follow the node's policies (core/firings.ts).
 */
import { randomUUID } from 'node:crypto';
import { firingsBetween, nextFirings, type NodeDefinition, type ScheduleRule, type ServerNode, type WorkflowGraph, zoneOf } from '@junction/nodes';
import { insertFiredRuns, lockTimer, scheduleNextFiring, unfinishedRunOf, type FiredRun, type TimerRegistration, type TriggerJob } from '../db/queries/triggers.ts';
import { log } from '../log.ts';
import { firingsToRun, startsOf, type MissedPolicy, type Overlap } from './core/firings.ts';
import { firePoll, type PollContext, type PollParams } from './polls.ts';
import { inTransaction } from '../db/client.ts';

/** The params every timed trigger has (trigger.schedule's; trigger.poll's schedule). */
interface TimedParams extends MissedPolicy {
  rule: ScheduleRule;
  timezone: string;
  overlap?: Overlap;
}

/** The definition of a node type (the catalogue's, or the server's). */
type DefinitionOf = (type: string) => NodeDefinition | undefined;

/** The timed triggers of a graph, with their params as validated and their time zone. */
function timedNodes(graph: WorkflowGraph, definitionOf: DefinitionOf) {
  return graph.nodes.flatMap((node) => {
    const definition = definitionOf(node.type);
    const kind = definition?.trigger?.kind;
    if (!definition || (kind !== 'schedule' && kind !== 'poll')) return [];
    const params = definition.params.parse(node.params) as TimedParams;
    return [{ node, kind, params, zone: zoneOf(params.timezone, graph.settings.timezone) }];
  });
}

/** What activating `graph` registers: each timed trigger with its first firing after `now`. */
export function timerRegistrations(graph: WorkflowGraph, definitionOf: DefinitionOf, now = new Date()): TimerRegistration[] {
  return timedNodes(graph, definitionOf).flatMap(({ node, kind, params, zone }) => {
    const [first] = nextFirings(params.rule, zone, now, 1);
    return first ? [{ nodeId: node.id, kind, firstAt: first }] : [];
  });
}

/** The next firings of a graph's timed triggers, by node id (what the API shows under a trigger's form). */
export function upcomingFirings(graph: WorkflowGraph, definitionOf: DefinitionOf, count: number, now = new Date()): Map<string, { kind: 'schedule' | 'poll'; timezone: string; next: Date[] }> {
  return new Map(timedNodes(graph, definitionOf).map(({ node, kind, params, zone }) => [node.id, { kind, timezone: zone, next: nextFirings(params.rule, zone, now, count) }]));
}

export type TimerContext = PollContext;

/** Fires a timer's job: starts its runs and brings the job back at the next firing. */
export async function fireTimer(rt: TimerContext, job: TriggerJob): Promise<void> {
  const definitionOf = (type: string) => rt.nodes.get(type)?.definition;
  const peek = await lockTimer(rt.pool, job, false);
  const polling = peek && timedNodes(peek.graph, definitionOf).find((t) => t.node.id === job.nodeId && t.kind === 'poll');
  if (polling) return firePoll(rt, job, polling.node, polling.params as unknown as PollParams, polling.zone, peek.graph);
  await inTransaction(rt.pool, async (client) => {
    const timer = await lockTimer(client, job);
    const found = timer && timedNodes(timer.graph, definitionOf).find((t) => t.node.id === job.nodeId);
    // Deactivated, or a new version moved the timer on: this job is stale.
    if (!timer || !found) return;
    if (found.kind !== 'schedule') throw new Error(`the ${found.kind} trigger "${found.node.name}" is not fired here`);
    const now = rt.now?.() ?? new Date();
    const at = new Date(job.at);
    const due = at <= now ? [at, ...firingsBetween(found.params.rule, found.zone, at, now, 10_000)] : [];
    const fire = firingsToRun(due, now, found.params);
    const overlap = found.params.overlap ?? 'allow';
    const unfinished = overlap === 'allow' ? undefined : await unfinishedRunOf(client, job.workflowId);
    const starts = startsOf(fire, overlap, unfinished);
    if (starts.length < fire.length) {
      log.info('schedule firings skipped: the previous run is still going', { workflowId: job.workflowId, nodeId: job.nodeId, skipped: fire.length - starts.length, running: unfinished });
    }
    const runs: FiredRun[] = [];
    for (const { firing, after } of starts) {
      runs.push({
        id: randomUUID(),
        workflowId: job.workflowId,
        versionId: timer.versionId,
        triggerNodeId: job.nodeId,
        mode: 'schedule',
        input: [{ json: { scheduledFor: firing.at.toISOString(), firedAt: now.toISOString(), timezone: found.zone, late: firing.late } }],
        timeoutSeconds: timer.graph.settings.timeoutSeconds,
        firedFor: firing.at,
        waitsFor: after === 'unfinished' ? unfinished : after === 'previous' ? runs[runs.length - 1]!.id : undefined,
      });
    }
    await insertFiredRuns(client, runs);
    // A schedule run early (clocks disagree) keeps its instant; otherwise the next one after now.
    const [next] = due.length === 0 ? [at] : nextFirings(found.params.rule, found.zone, now, 1);
    if (next) await scheduleNextFiring(client, job, next, fire.length > 0 ? now : null);
  });
}

/**
 * Pure orchestration: given a workflow graph and the state of a run's steps, which steps
 * can run now, with which items, and is the run over. No I/O here; `execute.ts` does that.
 *
 * Rules:
 * - a step runs when every node with an edge into it is resolved (succeeded, skipped, or
 *   failed with `onError: continue`); its input items are the items its sources emitted
 *   on the connected ports, in edge order (`inputSources`; the plan needs only how many:
 *   the items themselves are kept apart and loaded by the executor when needed);
 * - a step whose input is empty is skipped (an `if` that sent nothing to `false` skips
 *   that branch), and so is a node with no incoming edge that is not the run's trigger;
 * - only the trigger that started the run runs; other triggers of the graph are skipped.
 */
import { adjacencyOf, topologicalOrder, type WorkflowGraph } from '@junction/nodes';
import type { Resumption, StepStatus, StepWaitRecord } from '@junction/nodes';

export interface StepState {
  status: StepStatus;
  attempt: number;
  /** How many items the step emitted on each output port (null: no output). */
  counts: Readonly<Record<string, number>> | null;
  nextAttemptAt: Date | null;
  onErrorContinue?: boolean;
  /** A waiting step's wait (see StepWaitRecord). */
  wait?: StepWaitRecord | null;
}

export interface ReadyStep {
  nodeId: string;
  /** The attempt about to be made. */
  attempt: number;
  /** The previous attempt was cut short: a worker stopped while it ran (its record says `running`). */
  resumed?: boolean;
  /** A waiting step that wakes: why. */
  resumption?: Resumption;
}

export interface Plan {
  ready: ReadyStep[];
  /** Nodes to record as skipped now. */
  skip: string[];
  /** Earliest time a retrying or waiting step may go again, when nothing is ready before it. */
  wakeAt: Date | null;
  /** A step waits (for a time, a resume call, a sub-workflow): the run's time limit pauses meanwhile. */
  waiting: boolean;
  /** A step failed and the run must stop. */
  failedNodeId: string | null;
  /** Every node is resolved. */
  finished: boolean;
}

/** Precomputed per graph version: cheap to reuse for every planning pass of a run. */
export interface GraphShape {
  graph: WorkflowGraph;
  order: string[];
  incoming: ReturnType<typeof adjacencyOf>['incoming'];
  continueOnError: Set<string>;
  triggers: Set<string>;
}

export function shapeOf(graph: WorkflowGraph, isTrigger: (type: string) => boolean): GraphShape {
  const { incoming } = adjacencyOf(graph);
  return {
    graph,
    order: topologicalOrder(graph).order,
    incoming,
    continueOnError: new Set(graph.nodes.filter((n) => n.onError === 'continue').map((n) => n.id)),
    triggers: new Set(graph.nodes.filter((n) => isTrigger(n.type)).map((n) => n.id)),
  };
}

export function isResolved(state: StepState | undefined, continueOnError: boolean): boolean {
  if (!state) return false;
  return state.status === 'succeeded' || state.status === 'skipped' || (state.status === 'failed' && continueOnError);
}

export function plan(shape: GraphShape, steps: ReadonlyMap<string, StepState>, triggerNodeId: string, now: Date): Plan {
  const result: Plan = { ready: [], skip: [], wakeAt: null, waiting: false, failedNodeId: null, finished: false };
  const wakeAt = (at: Date) => {
    if (!result.wakeAt || at < result.wakeAt) result.wakeAt = at;
  };
  const skipped = new Set<string>();
  const resolved = (id: string) => skipped.has(id) || isResolved(steps.get(id), shape.continueOnError.has(id));
  let unresolved = 0;

  for (const nodeId of shape.order) {
    const state = steps.get(nodeId);
    if (state) {
      if (resolved(nodeId)) continue;
      unresolved++;
      if (state.status === 'failed') {
        result.failedNodeId ??= nodeId;
      } else if (state.status === 'retrying' && state.nextAttemptAt && state.nextAttemptAt > now) {
        wakeAt(state.nextAttemptAt);
      } else if (state.status === 'waiting') {
        const until = state.wait?.until ? new Date(state.wait.until) : null;
        const resumed = state.wait?.resumed;
        const resumption = resumed
          ? { ...resumed, state: state.wait?.state }
          : until && until <= now
            ? { by: 'time' as const, at: until.toISOString(), state: state.wait?.state }
            : null;
        if (resumption) {
          result.ready.push({ nodeId, attempt: state.attempt, resumption });
        } else {
          result.waiting = true;
          if (until) wakeAt(until);
        }
      } else {
        // `retrying` whose time has come, or `running` left by a worker that stopped mid-step:
        // either way the next attempt, so history shows both (two calls may have been made).
        const ready: ReadyStep = { nodeId, attempt: state.attempt + 1 };
        if (state.status === 'running') ready.resumed = true;
        result.ready.push(ready);
      }
      continue;
    }
    const edges = shape.incoming.get(nodeId) ?? [];
    if (shape.triggers.has(nodeId) || edges.length === 0) {
      if (nodeId === triggerNodeId) {
        unresolved++;
        result.ready.push({ nodeId, attempt: 1 });
      } else {
        skipped.add(nodeId);
        result.skip.push(nodeId);
      }
      continue;
    }
    if (!edges.every((edge) => resolved(edge.source))) {
      unresolved++;
      continue;
    }
    if (inputCount(shape, steps, nodeId) === 0) {
      skipped.add(nodeId);
      result.skip.push(nodeId);
    } else {
      unresolved++;
      result.ready.push({ nodeId, attempt: 1 });
    }
  }
  result.finished = unresolved === 0;
  return result;
}

/** Where a node's input items come from: its sources' ports, in edge order. */
export function inputSources(shape: Pick<GraphShape, 'incoming'>, nodeId: string): { source: string; port: string }[] {
  return (shape.incoming.get(nodeId) ?? []).map((edge) => ({ source: edge.source, port: edge.sourcePort }));
}

/** How many items a node (not the trigger) receives: what its sources emitted on the connected ports. */
export function inputCount(shape: Pick<GraphShape, 'incoming'>, steps: ReadonlyMap<string, Pick<StepState, 'counts'>>, nodeId: string): number {
  let count = 0;
  for (const edge of shape.incoming.get(nodeId) ?? []) count += steps.get(edge.source)?.counts?.[edge.sourcePort] ?? 0;
  return count;
}

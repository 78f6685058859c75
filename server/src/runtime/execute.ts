/**
 * The `run` job: advances one run as far as it can inside one graphile-worker job —
 * steps in graph order, parallel branches concurrently, one checkpoint per step with an
 * outside effect — and hands the run back to the queue only to wait (retry backoff) or
 * when this worker shuts down.
 *
 * Durability: a step with side effects is checkpointed as `running` before it starts and
 * with its result after; a pure step's result rides along with the next checkpoint. A
 * worker that dies loses at most the step in flight, which the next worker runs again
 * with the same idempotency key.
 *
 * Data: a step's items are stored apart from its record (step-outputs.ts), in the same
 * transaction. Pure steps that emitted much are checkpointed at once, and several of them
 * in parts (a transaction each, in the order they ran), so no transaction carries more
 * than a few megabytes of new data and no worker holds every step's items at once.
 */
import type pg from 'pg';
import {
  coerceStepError,
  isStepWait,
  NonRetriableError,
  pairedItemProblem,
  type CredentialValue,
  type Item,
  type PortItems,
  type ServerNode,
  type StepErrorRecord,
  type WorkflowGraph,
} from '@junction/nodes';
import { FINISHED_RUN_STATUSES, zoneOf, type AttemptRecord, type RunStatus, type StepRecord } from '@junction/nodes';
import { loadRunForExecution, postponeRun } from '../db/queries/runs.ts';
import { isDatabaseUnavailable } from '../db/client.ts';
import { firstSeenBy } from '../db/queries/dedupe.ts';
import { runsFinished, startSubflowRuns, subflowResults } from '../db/queries/subflows.ts';
import { log } from '../log.ts';
import type { CredentialResolver } from '../vault/resolve.ts';
import { Redactor } from '../vault/redact.ts';
import { interruptions, markInterrupted, MAX_INTERRUPTIONS, tooManyInterruptions } from './core/attempts.ts';
import { lastOutputStep, stepOutcome, stopError, unfinishedSteps, unstorable, type AttemptResult, type StopReason } from './core/outcome.ts';
import { checkpoint, StepDataTooLarge, type CheckpointRequest, type StoredStepRecord } from '../db/queries/checkpoint.ts';
import { ChunkWriteError } from '../db/queries/step-data.ts';
import type { Chunk } from '../db/step-data.ts';
import { StepOutputs } from './step-outputs.ts';
import type { RunFinishedNotice } from '../db/queries/notifications.ts';
import type { LogLine, RunScope } from '../sandbox/index.ts';
import { ProgressPublisher, stepEvent } from './progress.ts';
import { flattenOutput, pairedItemsOf, type LineageOutput, type RunOutputs } from './lineage.ts';
import { resolveParams, resolveParamsOnce } from './params.ts';
import { inputSources, plan, shapeOf, type GraphShape, type ReadyStep, type StepState } from './core/plan.ts';
import { paramsScope, runScope, stepSandbox, type SandboxRuntime } from './sandbox-scope.ts';
import { resumeUrl, type ResumeLinks } from './resume.ts';

type CommitRequest = Pick<CheckpointRequest, 'status' | 'release' | 'finished' | 'scheduleAt' | 'output' | 'error' | 'notify' | 'errorRun'>;

/** Records committed together, with the chunks of their items the run does not have yet. */
class Part {
  readonly steps: StoredStepRecord[] = [];
  readonly chunks = new Map<string, readonly Chunk[]>();
  readonly bytes = new Map<string, number>();
  readonly taken = new Set<string>();
  chars = 0;

  add(record: StoredStepRecord, fresh: readonly Chunk[], bytes: number): void {
    this.steps.push(record);
    if (fresh.length > 0) this.chunks.set(record.node_id, fresh);
    this.bytes.set(record.node_id, bytes);
    for (const chunk of fresh) this.taken.add(chunk.hash);
    this.chars += charsOf(fresh);
  }
}

const charsOf = (chunks: readonly Chunk[]) => chunks.reduce((sum, chunk) => sum + chunk.text.length, 0);

export interface RuntimeContext {
  pool: pg.Pool;
  /** This worker process's id: the lease owner it writes. */
  processId: string;
  nodes: ReadonlyMap<string, ServerNode>;
  /** Where expressions, Code nodes and user regular expressions run. */
  sandbox: SandboxRuntime;
  /** Opens the credentials a step's node refers to. */
  credentials: CredentialResolver;
  /** Largest JSON one step's record may be; a bigger one fails the step (StorageError). */
  stepDataLimit: number;
  /** Signs the resume URLs of waiting steps; absent: steps cannot be resumed by a call. */
  resume?: ResumeLinks;
  /** Lets a cancel request reach the run's abort controller. */
  onCancel(runId: string, abort: () => void): () => void;
  /**
   * Webhooks waiting in this same process (role `all`): told directly, after the final
   * commit, with no NOTIFY — NOTIFYing commits queue behind one lock in PostgreSQL.
   */
  localWaiters?: { isWaiting(runId: string): boolean; deliver(notice: RunFinishedNotice): void };
}

/** Pending checkpoints are flushed at least this often during long pure stretches. */
const MAX_PENDING_STEPS = 100;
/** Pure steps' results are checkpointed at once when they hold this much new data (characters of JSON)... */
const MAX_PENDING_CHARS = 16 * 1024 * 1024;
/** ...and a checkpoint of several steps is committed in parts of about this much new data each. */
const MAX_PART_CHARS = 16 * 1024 * 1024;
/**
 * Pure steps ride with the next checkpoint; once a run has gone this long without one, the
 * steps in flight are checkpointed as running — so the run shows as running (not queued),
 * and a cancel reaches this worker instead of ending a run the API thinks nobody holds.
 */
const SHOW_RUNNING_AFTER_MS = 500;
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How deep sub-workflows may call each other: past it, a loop of calls the editor could not see is stopped. */
const MAX_SUBFLOW_DEPTH = 10;
/** How often a run queued behind another looks whether that one has finished. */
const BLOCKED_RECHECK_MS = 2000;
/** When the job of a run waiting only for a resume call is due: never, in practice (the call brings it forward). */
const NEVER = new Date('9999-01-01T00:00:00Z');

class LeaseLost extends Error {
  override name = 'LeaseLost';
}

/** The run was ended (failed) because a step's result could not be stored. */
class RunEndedUnstorable extends Error {
  override name = 'RunEndedUnstorable';
}

/**
 * PostgreSQL refused the data itself (class 22: a value jsonb cannot hold; class 54: a
 * document past its size limits). Retrying the job would only run the step again, with
 * its outside effect, and fail the same way.
 */
function isUnstorable(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('54'));
}

/** The step whose data it was, when the refusal says. */
const culpritOf = (error: Error) => (error instanceof StepDataTooLarge || error instanceof ChunkWriteError ? error.nodeId : undefined);

interface LoadedStep extends StepState {
  position: number;
  error: StepErrorRecord | null;
  attempts: AttemptRecord[];
  startedAt: string | null;
}

interface RunState {
  id: string;
  workflowId: string;
  workflowName: string;
  versionId: string;
  versionNumber: number;
  createdAt: Date;
  status: RunStatus;
  triggerNodeId: string;
  /** What idempotency keys are made of: the first run of its chain of retries. */
  idempotencyBase: string;
  input: Item[];
  /** The steps' items: in memory while needed, else loaded from storage when asked. */
  outputs: StepOutputs;
  deadlineAt: Date;
  cancelRequested: boolean;
  notifyFinish: boolean;
  /** Someone follows the run live: publish each step's progress (progress.ts). */
  watched: boolean;
  version: number;
  ownedByOtherLiveWorker: boolean;
  blocked: boolean;
  /** How it started: an error workflow's run (mode `error`) does not start another. */
  mode: string;
  /** The variables' revision when loaded: `$vars` are read at it or later. */
  variablesRevision: number;
  depth: number;
  shape: GraphShape;
  steps: Map<string, LoadedStep>;
}

const shapes = new Map<string, GraphShape>();

function shapeFor(versionId: string, graph: WorkflowGraph, nodes: RuntimeContext['nodes']): GraphShape {
  let shape = shapes.get(versionId);
  if (!shape) {
    shape = shapeOf(graph, (type) => nodes.get(type)?.definition.category === 'trigger');
    if (shapes.size >= 500) shapes.delete(shapes.keys().next().value!);
    shapes.set(versionId, shape);
  }
  return shape;
}

async function load(rt: RuntimeContext, runId: string): Promise<RunState | null> {
  const row = await loadRunForExecution(rt.pool, runId, rt.processId);
  if (!row) return null;
  const steps = new Map<string, LoadedStep>();
  const outputs = new StepOutputs(rt.pool, row.id, () => rt.stepDataLimit);
  for (const step of row.steps) {
    outputs.loaded(step.node_id, step.output);
    steps.set(step.node_id, {
      status: step.status,
      attempt: step.attempt,
      counts: outputs.counts(step.node_id),
      nextAttemptAt: step.next_attempt_at ? new Date(step.next_attempt_at) : null,
      error: step.error,
      position: step.position,
      attempts: step.attempts,
      startedAt: step.started_at ? new Date(step.started_at).toISOString() : null,
      wait: step.wait,
    });
  }
  return {
    id: row.id,
    workflowId: row.workflow_id,
    workflowName: row.workflow_name,
    versionId: row.version_id,
    versionNumber: row.version_number,
    createdAt: row.created_at,
    status: row.status,
    triggerNodeId: row.trigger_node_id,
    idempotencyBase: row.idempotency_base ?? row.id,
    input: row.input,
    outputs,
    deadlineAt: row.deadline_at,
    cancelRequested: row.cancel_requested,
    notifyFinish: row.notify_finish,
    watched: row.watched,
    version: row.version,
    ownedByOtherLiveWorker: row.owned_by_other,
    blocked: row.blocked,
    mode: row.mode,
    variablesRevision: Number(row.variables_revision),
    depth: row.depth,
    shape: shapeFor(row.version_id, row.graph, rt.nodes),
    steps,
  };
}

/**
 * Executes a run until it finishes, waits, or this worker must stop. Safe to call for a
 * run that another live worker holds (returns at once) or that already finished.
 *
 * When `stopping` aborts, the run starts no new step and is handed back once the steps
 * in flight have finished; when `shutdown` aborts, those steps are cut short.
 */
export async function executeRun(rt: RuntimeContext, runId: string, shutdown: AbortSignal, stopping?: AbortSignal): Promise<void> {
  for (let tries = 0; tries < 5; tries++) {
    const state = await load(rt, runId);
    if (!state) {
      log.warn('a job names a run that does not exist; ignoring it', { runId });
      return;
    }
    if (FINISHED_RUN_STATUSES.includes(state.status) || state.ownedByOtherLiveWorker) return;
    if (state.blocked) {
      // Queued behind its workflow's previous run: it looks again in a moment.
      await postponeRun(rt.pool, runId, new Date(Date.now() + BLOCKED_RECHECK_MS));
      return;
    }
    // A step waiting for sub-workflow runs wakes once they have all finished.
    for (const step of state.steps.values()) {
      if (step.status === 'waiting' && step.wait?.runs && !step.wait.resumed && (await runsFinished(rt.pool, step.wait.runs))) {
        step.wait = { ...step.wait, resumed: { by: 'runs', at: new Date().toISOString() } };
      }
    }
    try {
      await new RunExecution(rt, state, shutdown, stopping).advance();
      return;
    } catch (error) {
      if (error instanceof RunEndedUnstorable) return;
      if (!(error instanceof LeaseLost)) throw error;
      log.debug('run changed under this worker; reloading', { runId });
    }
  }
}

class RunExecution {
  private readonly rt: RuntimeContext;
  private readonly state: RunState;
  private readonly controller = new AbortController();
  private readonly pending = new Map<string, StepRecord>();
  private nextPosition: number;
  private readonly graphNodes: Map<string, WorkflowGraph['nodes'][number]>;
  private readonly nodesByName: Map<string, string>;
  private readonly scope: RunScope;
  /** The run as lineage (`$node("Name").item`) is followed through it. */
  private readonly lineage: RunOutputs;
  /** The nodes each node's output goes to. */
  private readonly consumers = new Map<string, string[]>();
  private progress: ProgressPublisher | null;

  constructor(rt: RuntimeContext, state: RunState, shutdown: AbortSignal, stopping?: AbortSignal) {
    this.rt = rt;
    this.state = state;
    this.stopping = stopping;
    this.progress = state.watched ? new ProgressPublisher(rt.pool, state.id) : null;
    this.graphNodes = new Map(state.shape.graph.nodes.map((node) => [node.id, node]));
    this.nodesByName = new Map(state.shape.graph.nodes.map((node) => [node.name, node.id]));
    this.lineage = {
      incoming: state.shape.incoming,
      triggerNodeId: state.triggerNodeId,
      output: (nodeId) => this.lineageOutput(nodeId),
      nameOf: (nodeId) => this.graphNodes.get(nodeId)?.name ?? nodeId,
    };
    for (const [target, edges] of state.shape.incoming) {
      for (const edge of edges) this.consumers.set(edge.source, [...(this.consumers.get(edge.source) ?? []), target]);
    }
    const resumeUrls: Record<string, string> = {};
    for (const node of state.shape.graph.nodes) {
      if (rt.resume && rt.nodes.get(node.type)?.definition.waits) resumeUrls[node.name] = resumeUrl(rt.resume, state.id, node.id);
    }
    this.scope = runScope(rt.sandbox, { ...state, graph: state.shape.graph, resumeUrls }, {
      outputOf: (name) => this.outputOf(name),
      pairedOf: async (name, step, first, count) => {
        await this.state.outputs.loadPairing(this.upstreamOf(step));
        return pairedItemsOf(this.lineage, step, this.nodesByName.get(name)!, first, count);
      },
    }, this.controller.signal);
    this.nextPosition = Math.max(0, ...[...state.steps.values()].map((s) => s.position)) + 1;
    const stop = (reason: StopReason) => {
      if (!this.controller.signal.aborted) this.controller.abort(reason);
    };
    if (shutdown.aborted) stop('shutdown');
    // Removed when the execution ends: the shutdown signal is shared by every run of the
    // process, and a listener left behind would keep its run in memory.
    const onShutdown = () => stop('shutdown');
    shutdown.addEventListener('abort', onShutdown, { once: true });
    const unsubscribeCancel = rt.onCancel(state.id, () => stop('cancel'));
    this.detach = () => {
      shutdown.removeEventListener('abort', onShutdown);
      unsubscribeCancel();
    };
    // A run's time limit counts the time it works, not the time it waits: a run waking from
    // a wait (a step resumed, or its time come) gets the whole limit again.
    if ([...state.steps.values()].some((step) => step.status === 'waiting' && (step.wait?.resumed || (step.wait?.until && new Date(step.wait.until) <= new Date())))) {
      state.deadlineAt = new Date(Date.now() + state.shape.graph.settings.timeoutSeconds * 1000);
      this.newDeadline = state.deadlineAt;
    }
    const untilDeadline = state.deadlineAt.getTime() - Date.now();
    this.deadlineTimer = setTimeout(() => stop('timeout'), Math.max(0, Math.min(untilDeadline, MAX_TIMER_MS)));
    if (untilDeadline > MAX_TIMER_MS) this.deadlineTimer.unref();
  }

  private readonly detach: () => void;
  private readonly deadlineTimer: NodeJS.Timeout;
  /** The worker is stopping: no new step starts here (see executeRun). */
  private readonly stopping: AbortSignal | undefined;
  /** A deadline the next checkpoint writes (the run woke from a wait). */
  private newDeadline: Date | null = null;

  private get stopReason(): StopReason | null {
    return this.controller.signal.aborted ? (this.controller.signal.reason as StopReason) : null;
  }

  async advance(): Promise<void> {
    try {
      if (this.state.cancelRequested) return await this.finishCancelled();
      for (;;) {
        if (Date.now() >= this.state.deadlineAt.getTime()) return await this.finishTimedOut();
        const reason = this.stopReason;
        if (reason === 'cancel') return await this.finishCancelled();
        if (reason === 'timeout') return await this.finishTimedOut();
        if (reason === 'shutdown') return await this.handBack(new Date());

        const next = plan(this.state.shape, this.state.steps, this.state.triggerNodeId, new Date());
        for (const nodeId of next.skip) this.record(nodeId, { status: 'skipped', attempt: 0, output: null, error: null });
        if (next.failedNodeId) {
          const failed = this.state.steps.get(next.failedNodeId)?.error ?? { name: 'Error', message: 'The step failed', retriable: false };
          return await this.finish('failed', { ...failed, nodeId: next.failedNodeId });
        }
        if (next.finished) return await this.finish('succeeded', null);
        if (next.ready.length === 0) {
          // A waiting step pauses the time limit: the run's job comes back when the wait
          // ends by itself, or never (a resume call brings it back).
          const wakeAt = next.waiting
            ? (next.wakeAt ?? NEVER)
            : next.wakeAt && next.wakeAt < this.state.deadlineAt
              ? next.wakeAt
              : this.state.deadlineAt;
          return await this.commit({ status: 'waiting', release: true, finished: false, scheduleAt: wakeAt });
        }
        // Steps are ready, but this worker is stopping: whoever takes the run next runs them.
        if (this.stopping?.aborted) return await this.handBack(new Date());
        const ready = next.ready.filter((step) => !step.resumed || this.resume(step));
        // A step failed for stopping its worker too often: the next plan ends the run.
        if (ready.length === 0) continue;

        const effectful = ready.filter((step) => this.typeOf(step.nodeId)?.definition.sideEffects);
        if (effectful.length > 0) {
          for (const step of effectful) this.markRunning(step);
          await this.commit({ status: 'running', release: false, finished: false });
        }
        const results = await this.runSteps(ready, effectful.length > 0);
        const stopped = this.stopReason;
        for (const result of results) {
          // A step cut short by shutdown did not finish: it is run again after hand-back.
          if (stopped === 'shutdown' && result.interrupted) continue;
          this.applyResult(result);
        }
        if (effectful.length > 0 || this.pending.size >= MAX_PENDING_STEPS || this.state.outputs.pendingChars(this.pending.keys()) >= MAX_PENDING_CHARS) {
          await this.commit({ status: 'running', release: false, finished: false });
        }
      }
    } finally {
      this.detach();
      clearTimeout(this.deadlineTimer);
      this.rt.sandbox.sandbox.release(this.state.id);
      await this.progress?.drain();
    }
  }

  /** Runs the steps; pure ones still running SHOW_RUNNING_AFTER_MS after the last checkpoint are checkpointed as running. */
  private async runSteps(ready: ReadyStep[], shownRunning: boolean): Promise<AttemptResult[]> {
    const running = Promise.all(ready.map(async (step) => this.runStep(step, await this.inputOf(step.nodeId))));
    if (shownRunning) return running;
    let shown: Promise<void> | undefined;
    const timer = setTimeout(
      () => {
        for (const step of ready) this.markRunning(step);
        shown = this.commit({ status: 'running', release: false, finished: false });
        // Awaited below, once the steps are done; a failure (the lease lost) surfaces there.
        shown.catch(() => undefined);
      },
      Math.max(0, SHOW_RUNNING_AFTER_MS - (Date.now() - this.lastCommitAt)),
    );
    try {
      return await running;
    } finally {
      clearTimeout(timer);
      if (shown) await shown;
    }
  }

  private lastCommitAt = Date.now();

  /** The items a step receives: the run's input for its trigger, else what its sources emitted on the connected ports, in edge order. */
  private async inputOf(nodeId: string): Promise<Item[]> {
    if (nodeId === this.state.triggerNodeId) return this.state.input;
    const items: Item[] = [];
    for (const { source, port } of inputSources(this.state.shape, nodeId)) {
      for (const item of await this.state.outputs.port(source, port)) items.push(item);
    }
    return items;
  }

  /** What `$node("Name")` reads: the node's output items (all ports), null when it has not run. */
  private async outputOf(name: string): Promise<Item[] | null | undefined> {
    const nodeId = this.nodesByName.get(name);
    if (nodeId === undefined) return undefined;
    const output = await this.state.outputs.items(nodeId);
    return output ? flattenOutput(output, this.portsOf(nodeId)).items : null;
  }

  /** A step's output as lineage walks it: port ranges and pairing, from memory or as loaded (loadPairing). */
  private lineageOutput(nodeId: string): LineageOutput | null {
    const counts = this.state.outputs.counts(nodeId);
    if (!counts) return null;
    const ports: LineageOutput['ports'] = {};
    let count = 0;
    for (const port of [...this.portsOf(nodeId), ...Object.keys(counts)]) {
      if (Object.hasOwn(ports, port) || counts[port] === undefined) continue;
      ports[port] = { start: count, length: counts[port] };
      count += counts[port];
    }
    const order = Object.entries(ports).sort(([, a], [, b]) => a.start - b.start);
    return {
      count,
      ports,
      pairedItem: (index) => {
        const found = order.find(([, range]) => index >= range.start && index < range.start + range.length);
        return found ? this.state.outputs.pairedItem(nodeId, found[0], index - found[1].start) : undefined;
      },
    };
  }

  private portsOf(nodeId: string): readonly string[] {
    return this.typeOf(nodeId)?.definition.outputs ?? [];
  }

  /** Every step upstream of a node: what following its items' lineage may pass through. */
  private upstreamOf(nodeId: string): Set<string> {
    const seen = new Set<string>();
    const queue = [nodeId];
    while (queue.length > 0) {
      for (const edge of this.state.shape.incoming.get(queue.pop()!) ?? []) {
        if (!seen.has(edge.source)) {
          seen.add(edge.source);
          queue.push(edge.source);
        }
      }
    }
    return seen;
  }

  /** A step's items may be read again soon: a node it feeds has yet to run, or to run again. */
  private needed(nodeId: string): boolean {
    return (this.consumers.get(nodeId) ?? []).some((consumer) => {
      const status = this.state.steps.get(consumer)?.status;
      return status === undefined || status === 'running' || status === 'retrying' || status === 'waiting';
    });
  }

  private typeOf(nodeId: string): ServerNode | undefined {
    const node = this.graphNodes.get(nodeId);
    return node ? this.rt.nodes.get(node.type) : undefined;
  }

  private record(nodeId: string, fields: Pick<StepRecord, 'status' | 'attempt' | 'output' | 'error'> & Partial<StepRecord>): void {
    const previous = this.state.steps.get(nodeId);
    const position = previous?.position ?? this.nextPosition++;
    const record: StepRecord = {
      node_id: nodeId,
      attempts: previous?.attempts ?? [],
      position,
      started_at: previous?.startedAt ?? null,
      finished_at: null,
      next_attempt_at: null,
      // A step that woke from a wait keeps how it waited and woke, for history.
      wait: previous?.wait ?? null,
      ...fields,
    };
    this.pending.set(nodeId, record);
    this.state.outputs.result(nodeId, record.output);
    this.state.steps.set(nodeId, {
      status: record.status,
      attempt: record.attempt,
      counts: this.state.outputs.counts(nodeId),
      nextAttemptAt: record.next_attempt_at ? new Date(record.next_attempt_at) : null,
      error: record.error,
      position,
      attempts: record.attempts,
      startedAt: record.started_at,
      wait: record.wait,
    });
    this.progress?.publish(stepEvent(nodeId, record.status, record.attempt, record.output, record.error));
  }

  /**
   * A step whose last attempt a stopped worker left running: that attempt is recorded as
   * interrupted (it may have reached outside systems), and the step runs again — unless it
   * has stopped its worker too often, then it fails. False when it failed.
   */
  private resume(step: ReadyStep): boolean {
    const state = this.state.steps.get(step.nodeId)!;
    const attempts = markInterrupted(state.attempts);
    const count = interruptions(attempts);
    if (count >= MAX_INTERRUPTIONS) {
      this.record(step.nodeId, { status: 'failed', attempt: state.attempt, output: null, error: tooManyInterruptions(count), attempts, finished_at: new Date().toISOString() });
      return false;
    }
    // Kept in memory: written with the step's next record (running, or its result).
    state.attempts = attempts;
    return true;
  }

  private markRunning(step: ReadyStep): void {
    const startedAt = new Date().toISOString();
    const attempts = [...(this.state.steps.get(step.nodeId)?.attempts ?? []).filter((a) => a.attempt !== step.attempt)];
    attempts.push({ attempt: step.attempt, startedAt, status: 'running' });
    this.record(step.nodeId, { status: 'running', attempt: step.attempt, output: null, error: null, attempts, started_at: startedAt });
  }

  private async runStep(step: ReadyStep, items: Item[]): Promise<AttemptResult> {
    const startedAt = new Date();
    const node = this.graphNodes.get(step.nodeId)!;
    const type = this.typeOf(step.nodeId);
    const base = { step, items, startedAt, logs: [] as LogLine[] };
    this.progress?.publish(stepEvent(step.nodeId, 'running', step.attempt, null, null));
    if (!type) {
      const error = new NonRetriableError(`Node "${node.name}" has type "${node.type}", which this Junction does not have`);
      return { ...base, finishedAt: new Date(), error: coerceStepError(error), interrupted: false };
    }
    const signal = this.controller.signal;
    const logs: LogLine[] = [];
    // Secrets this step may see: scrubbed from everything it leaves behind.
    const redactor = new Redactor();
    const context = {
      node: { id: node.id, name: node.name, type: node.type },
      run: { id: this.state.id, workflowId: this.state.workflowId },
      timezone: zoneOf(this.state.shape.graph.settings.timezone),
      attempt: step.attempt,
      idempotencyKey: `${this.state.idempotencyBase}:${node.id}`,
      signal,
      continueOnError: node.onError === 'continue',
      log: stepLogger(this.state.id, node.id, redactor),
      sandbox: stepSandbox(this.rt.sandbox, this.scope, node, this.state.versionId, logs),
      credentials: {} as Record<string, CredentialValue>,
      subflows: {
        start: async (workflowId: string, batches: Item[][]) => {
          if (this.state.depth + 1 > MAX_SUBFLOW_DEPTH) {
            throw new NonRetriableError(`Sub-workflows call each other more than ${MAX_SUBFLOW_DEPTH} deep here: is there a loop of calls?`);
          }
          return startSubflowRuns(this.rt.pool, { runId: this.state.id, nodeId: node.id, depth: this.state.depth + 1 }, workflowId, batches);
        },
        results: (runIds: string[]) => subflowResults(this.rt.pool, runIds),
      },
      memory: {
        firstSeen: (keys: string[], options: { rememberMs: number | null; maxEntries: number }) =>
          firstSeenBy(this.rt.pool, { workflowId: this.state.workflowId, nodeId: node.id, runId: this.state.idempotencyBase }, keys, options),
      },
      redact: (secret: string) => redactor.add(secret),
      scrub: (text: string, maxChars?: number) => redactor.text(text, maxChars),
    };
    const params = paramsScope(this.rt.sandbox, this.scope, this.state.versionId, node.id);
    try {
      for (const slot of type.definition.credentials ?? []) {
        const id = node.params[slot.param];
        if (typeof id === 'string') context.credentials[slot.param] = await this.rt.credentials.resolve(this.state.workflowId, id, slot, redactor);
      }
      const ports: PortItems = Object.fromEntries(type.definition.outputs.map((port) => [port, [] as Item[]]));
      const collect = (emitted: PortItems, pairedItem: number | undefined) => {
        for (const [port, list] of Object.entries(emitted)) {
          const target = ports[port];
          if (!target) throw new NonRetriableError(`Node "${node.name}" emitted items on "${port}", which is not one of its outputs`);
          if (!Array.isArray(list)) throw new NonRetriableError(`Node "${node.name}": its output "${port}" is not a list of items`);
          for (const item of list) {
            if (typeof item?.json !== 'object' || item.json === null || Array.isArray(item.json)) {
              throw new NonRetriableError(`Node "${node.name}" emitted an item without a "json" object`);
            }
            if (pairedItem !== undefined) {
              target.push({ json: item.json, pairedItem });
              continue;
            }
            // An all-items node pairs its own items (or leaves them unpaired); what it says is checked here, before lineage follows it.
            const problem = pairedItemProblem(item.pairedItem, items.length);
            if (problem) throw new NonRetriableError(`Node "${node.name}" emitted an item whose ${problem}`);
            target.push(item);
          }
        }
      };
      if (type.mode === 'perItem') {
        const paramsFor = await resolveParams(type.definition, node, items, params);
        for (let index = 0; index < items.length; index++) {
          if (signal.aborted) throw signal.reason;
          // Two items of one step are two different effects (two purchase orders), so each
          // gets its own key; a step with one item keeps the plain `runId:nodeId`.
          const idempotencyKey = items.length === 1 ? context.idempotencyKey : `${context.idempotencyKey}:${index}`;
          const item = items[index]!;
          const emitted = await type.run({ ...context, idempotencyKey, params: paramsFor(index), item, itemIndex: index });
          collect(emitted, index);
        }
      } else {
        const resolved = await resolveParamsOnce(type.definition, node, items, params);
        // Each item's params, for a node that acts per item after all (one e-mail each, a row each in one transaction): resolved when asked.
        const itemParams = async () => {
          const paramsFor = await resolveParams(type.definition, node, items, params);
          return items.map((_, index) => paramsFor(index));
        };
        const url = type.definition.waits && this.rt.resume ? resumeUrl(this.rt.resume, this.state.id, node.id) : undefined;
        const returned = await type.run({ ...context, params: resolved, items, itemParams, resumed: step.resumption, resumeUrl: url });
        if (isStepWait(returned)) {
          if (!type.definition.waits) throw new NonRetriableError(`Node "${node.name}" asked to wait, which its type does not declare`);
          return { ...base, logs: redactor.scrub(logs), finishedAt: new Date(), wait: redactor.scrub(returned.wait), interrupted: false };
        }
        collect(returned, undefined);
      }
      return { ...base, logs: redactor.scrub(logs), finishedAt: new Date(), output: redactor.scrub(ports), interrupted: false };
    } catch (thrown) {
      const interrupted = signal.aborted;
      // The database away for a moment (looking up a credential) is the machine's fault, not the step's.
      const error = interrupted ? stopError(signal.reason as StopReason) : isDatabaseUnavailable(thrown) ? { ...coerceStepError(thrown), retriable: true, transient: true } : coerceStepError(thrown);
      return { ...base, logs: redactor.scrub(logs), finishedAt: new Date(), error: redactor.scrub(error), interrupted };
    }
  }

  private applyResult(result: AttemptResult): void {
    const { nodeId } = result.step;
    const node = this.graphNodes.get(nodeId)!;
    const definition = this.typeOf(nodeId)?.definition;
    const outcome = stepOutcome(result, {
      attempts: this.state.steps.get(nodeId)?.attempts ?? [],
      policy: node.retry ?? definition?.retry,
      continueOnError: node.onError === 'continue',
      firstPort: definition?.outputs[0],
      now: new Date(),
    });
    this.record(nodeId, outcome);
  }

  /**
   * Checkpoints the pending records: in one transaction, or — when they carry much new
   * data — in parts, a transaction each, in the order the steps ran, so a later step's
   * record never commits before an earlier one's. Each step's record goes in exactly one
   * part, with its items.
   */
  private async commit(request: CommitRequest): Promise<void> {
    const outputs = this.state.outputs;
    const records = [...this.pending.values()].sort((a, b) => a.position - b.position);
    try {
      let part = new Part();
      for (const record of records) {
        const encoded = outputs.encoded(record.node_id);
        const output = encoded?.output ?? null;
        let fresh = outputs.unwritten(output, part.taken);
        if (part.steps.length > 0 && part.chars + charsOf(fresh) > MAX_PART_CHARS) {
          await this.checkpointPart(part, { status: 'running', release: false, finished: false });
          part = new Part();
          fresh = outputs.unwritten(output, part.taken);
        }
        part.add({ ...record, output }, fresh, encoded?.bytes ?? 0);
      }
      await this.checkpointPart(part, request);
    } catch (error) {
      if (!isUnstorable(error) || this.failingUnstorable) throw error;
      await this.failUnstorable(error);
      throw new RunEndedUnstorable(`run ${this.state.id} failed: a step's result could not be stored`, { cause: error });
    }
    if (this.pending.size === 0) outputs.settled();
    outputs.release((nodeId) => this.needed(nodeId));
  }

  private async checkpointPart(part: Part, request: CommitRequest): Promise<void> {
    const result = await checkpoint(this.rt.pool, {
      runId: this.state.id,
      owner: this.rt.processId,
      expectedVersion: this.state.version,
      steps: part.steps,
      chunks: part.chunks,
      outputBytes: part.bytes,
      stepDataLimit: this.rt.stepDataLimit,
      deadlineAt: this.newDeadline,
      ...request,
    });
    if (!result.committed) throw new LeaseLost(`run ${this.state.id} was taken over or changed`);
    this.lastCommitAt = Date.now();
    this.newDeadline = null;
    this.state.version = result.version;
    for (const step of part.steps) {
      this.pending.delete(step.node_id);
      this.state.outputs.committed(step.node_id);
    }
    if (result.watched) this.progress ??= new ProgressPublisher(this.rt.pool, this.state.id);
    this.progress?.publish({ type: 'run', status: request.status });
    if (result.cancelRequested && !request.finished && !this.controller.signal.aborted) this.controller.abort('cancel');
  }

  private failingUnstorable = false;

  /** Fails the steps whose results are waiting to be stored, and the run, saying why. */
  private async failUnstorable(cause: Error): Promise<void> {
    this.failingUnstorable = true;
    // Which step it was, when known; otherwise any of those waiting may be the one.
    const { error, failed } = unstorable([...this.pending.values()], culpritOf(cause), cause.message);
    log.warn('a step result could not be stored; failing the run', { runId: this.state.id, nodeId: failed[0]?.node_id, error: cause.message });
    for (const record of failed) this.record(record.node_id, record);
    await this.finish('failed', { ...error, nodeId: failed[0]?.node_id });
  }

  private async finish(status: 'succeeded' | 'failed' | 'cancelled', error: (StepErrorRecord & { nodeId?: string }) | null): Promise<void> {
    const outputNodeId = lastOutputStep(this.state.steps.entries());
    // At hand unless dropped from memory (then readers load it from the run's step data).
    const inMemory = outputNodeId ? this.state.outputs.inMemory(outputNodeId) : null;
    const items = inMemory ? Object.values(inMemory).flat() : null;
    const local = this.rt.localWaiters?.isWaiting(this.state.id) ?? false;
    const output = outputNodeId ? { nodeId: outputNodeId, items } : null;
    await this.commit({ status, release: true, finished: true, output, error, notify: this.state.notifyFinish && !local, errorRun: status === 'failed' ? this.errorRun(error) : null });
    if (local) this.rt.localWaiters!.deliver({ id: this.state.id, status, output: items, error, complete: !outputNodeId || items !== null });
    log.debug('run finished', { runId: this.state.id, status, processId: this.rt.processId });
  }

  /**
   * The run of the workflow's error workflow a failure starts (with what failed, where and
   * why), if it names one — unless this run is itself an error workflow's: a failing error
   * workflow does not start itself again.
   */
  private errorRun(error: (StepErrorRecord & { nodeId?: string }) | null): CheckpointRequest['errorRun'] {
    const workflowId = this.state.shape.graph.settings.errorWorkflowId;
    if (!workflowId || this.state.mode === 'error') return null;
    const node = error?.nodeId ? this.graphNodes.get(error.nodeId) : undefined;
    const url = this.rt.resume ? `${this.rt.resume.publicUrl}/runs/${this.state.id}` : null;
    return {
      workflowId,
      input: [
        {
          json: {
            run: { id: this.state.id, url, mode: this.state.mode },
            workflow: { id: this.state.workflowId, name: this.state.workflowName, version: this.state.versionNumber },
            failedNode: node ? { id: node.id, name: node.name, type: node.type } : null,
            error: error ? { name: error.name, message: error.message } : null,
            failedAt: new Date().toISOString(),
          },
        },
      ],
    };
  }

  private async finishCancelled(): Promise<void> {
    this.failUnfinishedSteps('cancel');
    await this.finish('cancelled', null);
  }

  private async finishTimedOut(): Promise<void> {
    this.failUnfinishedSteps('timeout');
    await this.finish('failed', stopError('timeout'));
  }

  private failUnfinishedSteps(reason: 'cancel' | 'timeout'): void {
    for (const { nodeId, attempt } of unfinishedSteps(this.state.steps)) {
      this.record(nodeId, { status: 'failed', attempt, output: null, error: stopError(reason), finished_at: new Date().toISOString() });
    }
  }

  /** Gives the run back to the queue (this worker is stopping); another picks it up at `at`. */
  private async handBack(at: Date): Promise<void> {
    await this.commit({ status: 'running', release: true, finished: false, scheduleAt: at });
  }
}

function stepLogger(runId: string, nodeId: string, redactor: Redactor) {
  const data = (extra?: Record<string, unknown>) => ({ runId, nodeId, ...redactor.scrub(extra) });
  return {
    info: (message: string, extra?: Record<string, unknown>) => log.info(redactor.text(message), data(extra)),
    warn: (message: string, extra?: Record<string, unknown>) => log.warn(redactor.text(message), data(extra)),
    error: (message: string, extra?: Record<string, unknown>) => log.error(redactor.text(message), data(extra)),
  };
}


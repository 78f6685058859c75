/**
 * The only door to isolated-vm: expressions, the Code node and user regular expressions
 * run here, in isolates inside supervised sandbox processes (see supervisor.ts and
 * isolates.ts). This module turns a step's request into one call and its answer back
 * into values, and names the limit a failed call hit.
 */
import { MAX_ITEM_DEPTH, NodeError, NonRetriableError, tooDeepAt, TransientError, type Item } from '@junction/nodes';
import { codeProgram, expressionProgram, nodeNamesIn } from './program.ts';
import type { CallFailure, RunInfo, SandboxCall } from './protocol.ts';
import { SandboxFailure, SandboxSupervisor, type SupervisorOptions } from './supervisor.ts';

export { SandboxFailure, SandboxSupervisor, type SupervisorOptions } from './supervisor.ts';
export type { RunInfo } from './protocol.ts';
export { assertSandboxRuntime, MIN_ISOLATED_VM } from './version.ts';

/** The limits one run's sandbox calls get: the workflow's settings within the admin's maxima. */
export interface SandboxLimits {
  codeTimeoutMs: number;
  expressionTimeoutMs: number;
  memoryMb: number;
  maxOutputBytes: number;
  maxLogBytes: number;
  maxLogLines: number;
}

/** What the sandbox needs to know about the run a call belongs to. */
export interface RunScope {
  runId: string;
  /** `$run`, `$workflow`, `$vars` and the time zone; asked for only when a call is made. */
  info(): Promise<RunInfo>;
  limits: SandboxLimits;
  /** A step's output items by node name: null when it has not run, undefined when no node has that name (loaded when asked: a run's data is kept apart). */
  outputOf(name: string): Item[] | null | undefined | Promise<Item[] | null | undefined>;
  /**
   * Lineage (runtime/lineage.ts): for the input items `first`..`count` of step `step` (a
   * node id), which item of `name`'s output (as `outputOf` gives it) each descends from.
   * Asked only for a node that has run.
   */
  pairedOf(name: string, step: string, first: number, count: number): Paired | Promise<Paired>;
  /** Aborted when the run is cancelled, times out or its worker shuts down: its calls stop then. */
  signal?: AbortSignal;
}

/**
 * What `$node("Name").item` is for each item of a call, as the guest receives it: `at[k]`
 * for item `first + k` is an index into that node's output, or `-(j + 1)` for
 * `problems[j]`, why no item can be named (the guest throws it for `.item` only).
 */
export interface Paired {
  at: number[];
  problems: string[];
}

/**
 * Pairing by position, where there is no run to follow lineage through (the editor's
 * previews, which get outputs by name): item i with the node's item i, or its only item.
 */
export function positionalPairing(name: string, output: readonly Item[], first: number, count: number): Paired {
  const at: number[] = [];
  for (let i = first; i < count; i++) at.push(output.length === 1 ? 0 : i < output.length ? i : -1);
  const problem = `"${name}" emitted ${output.length} item(s), and without a run to follow the lineage through, items are paired by position; use .first(), .last() or .all()`;
  return { at, problems: at.includes(-1) ? [problem] : [] };
}

/** A param that is exactly expression k (keeps its type), or text mixing literals and expression numbers. */
export type Template = number | (string | number)[];

export interface ExpressionBatch {
  /** Stable for the same expressions (workflow version + node): the compiled program is reused. */
  key: string;
  /** The step's node id: lineage of its items (`$node("Name").item`) is followed from it. */
  step: string;
  sources: readonly string[];
  templates: readonly Template[];
  items: readonly Item[];
  /** Evaluate for the items before `count`, from `first` (default 0: all of them). */
  count: number;
  first?: number;
}

export interface GuestError {
  name: string;
  message: string;
  line?: number;
  column?: number;
  item?: number;
  template?: number;
  expression?: number;
  serialize?: boolean;
}

export type ExpressionOutcome = { ok: true; values: Record<number, unknown>[] } | { ok: false; error: GuestError };

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export type CodeOutcome = { ok: true; items: Item[]; logs: LogLine[] } | { ok: false; error: GuestError; logs: LogLine[] };

/**
 * A sandbox call that a busy machine kept from finishing: it computed less than its time
 * limit in the wall time the sandbox allows for it. Not the code's fault: a transient
 * error, which the runtime runs again even when the node has no retry policy.
 */
export class SandboxBusyError extends TransientError {
  override name = 'SandboxBusy';
}

/**
 * A call that hit a limit, crashed its process, could not be compiled, or that the
 * machine was too busy to finish (SandboxBusyError). `details.limit` names the limit
 * (time, memory, output) so run history can show which.
 *
 * @param timeSetting the workflow setting behind the time limit (codeTimeoutMs or expressionTimeoutMs)
 */
export function failureError(what: string, failure: CallFailure, timeSetting: string): NodeError {
  const where: Partial<Record<string, string>> = {
    time: `the time limit; see ${timeSetting} in the workflow's settings`,
    memory: "the memory limit; see memoryMb in the workflow's settings",
    output: 'the output size limit; JUNCTION_SANDBOX_OUTPUT_LIMIT on the server',
  };
  const limit = where[failure.kind];
  if (limit) return new NonRetriableError(`${what} ${failure.message} (${limit})`, { details: { limit: failure.kind } });
  if (failure.kind === 'crash') return new NodeError(`${what} could not finish: ${failure.message}`, { details: { limit: 'crash' } });
  if (failure.kind === 'busy') return new SandboxBusyError(`${what} ${failure.message}; the step runs again`);
  if (failure.kind === 'syntax') return new NonRetriableError(`${what} has a syntax error: ${failure.message}`);
  if (failure.kind === 'cancelled') return new NonRetriableError(`${what} ${failure.message}`);
  if (failure.kind === 'rejection') return new NonRetriableError(`${what}: a promise was rejected and nothing caught it: ${failure.message}`);
  return new NodeError(`${what} could not run in the sandbox: ${failure.message}`);
}

function parseAnswer<T>(text: string, limits: SandboxLimits): T {
  if (Buffer.byteLength(text) > limits.maxOutputBytes + 4096) {
    throw new SandboxFailure({ kind: 'output', message: `returned more than ${limits.maxOutputBytes} bytes` });
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    // Nesting past what JSON.parse can hold in its stack: data no step could use either.
    throw new SandboxFailure({ kind: 'output', message: `returned data that cannot be read back (${(error as Error).message})` }, { cause: error });
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const LOG_LEVELS = new Set(['debug', 'info', 'warn', 'error']);

/**
 * The guest runtime writes its answer with the guest's own JSON.stringify, which code that
 * patches built-ins (`Object.prototype.toJSON`, `JSON.stringify`) can change: the answer's
 * shape and limits are checked again here, and a forged one fails the step for good.
 */
function checkAnswer(what: string, valid: boolean): void {
  if (!valid) {
    throw new NonRetriableError(
      `${what} changed JavaScript's built-ins (such as Object.prototype.toJSON or JSON.stringify), so its result could not be read back; leave them as they are`,
    );
  }
}

function isGuestError(value: unknown): boolean {
  return isRecord(value) && typeof value.name === 'string' && typeof value.message === 'string';
}

/** Console lines as the guest runtime keeps them: within the limits (plus its one "not kept" line). */
function validLogs(logs: unknown, limits: SandboxLimits): boolean {
  if (!Array.isArray(logs) || logs.length > limits.maxLogLines + 1) return false;
  let chars = 0;
  for (const line of logs) {
    if (!isRecord(line) || !LOG_LEVELS.has(line.level as string) || typeof line.message !== 'string') return false;
    chars += line.message.length;
  }
  return chars <= limits.maxLogBytes + 200;
}

/**
 * Outputs of the nodes `sources` name with `$node("...")`, and for each the lineage of
 * the call's items `first`..`count` of step `step`; a name no node has is an error.
 */
async function nodesFor(scope: RunScope, sources: readonly string[], step: string, first: number, count: number) {
  const outputs: Record<string, Item[] | null> = {};
  const paired: Record<string, Paired> = {};
  for (const source of sources) {
    for (const name of nodeNamesIn(source)) {
      if (Object.hasOwn(outputs, name)) continue;
      const output = await scope.outputOf(name);
      if (output === undefined) throw new NonRetriableError(`$node("${name}") refers to a node this workflow does not have; check the name (it is case-sensitive)`);
      outputs[name] = output;
      if (output !== null) paired[name] = await scope.pairedOf(name, step, first, count);
    }
  }
  return { outputs, paired };
}

export class Sandbox {
  private readonly supervisor: SandboxSupervisor;

  constructor(supervisor: SandboxSupervisor) {
    this.supervisor = supervisor;
  }

  static async start(options: SupervisorOptions): Promise<Sandbox> {
    return new Sandbox(await SandboxSupervisor.start(options));
  }

  private async call(scope: RunScope, call: Omit<SandboxCall, 'runId' | 'info' | 'memoryMb'>): Promise<string> {
    return this.supervisor.call({ ...call, runId: scope.runId, info: await scope.info(), memoryMb: scope.limits.memoryMb }, scope.signal);
  }

  /** Evaluates every expression of a step for its items, in one call. Throws SandboxFailure for limits. */
  async expressions(scope: RunScope, batch: ExpressionBatch): Promise<ExpressionOutcome> {
    const first = batch.first ?? 0;
    const { outputs, paired } = await nodesFor(scope, batch.sources, batch.step, first, batch.count);
    const evaluations = Math.max(1, (batch.count - first) * batch.sources.length);
    const { expressionTimeoutMs, codeTimeoutMs } = scope.limits;
    // One expression gets expressionTimeoutMs; a batch gets that per evaluation, up to the
    // code time limit, so an endless loop in a 10,000-item step still stops in seconds.
    const timeoutMs = Math.min(expressionTimeoutMs * evaluations, Math.max(expressionTimeoutMs, codeTimeoutMs));
    const text = await this.call(scope, {
      kind: 'expressions',
      timeoutMs,
      programKey: `expressions:${batch.key}`,
      program: expressionProgram(batch.sources),
      payload: JSON.stringify({ items: batch.items, first, count: batch.count, templates: batch.templates, outputs, paired, maxOutputChars: scope.limits.maxOutputBytes }),
    });
    const outcome = parseAnswer<ExpressionOutcome>(text, scope.limits);
    if (!outcome.ok && outcome.error?.name === 'OutputLimit') {
      throw new SandboxFailure({ kind: 'output', message: `returned more than ${scope.limits.maxOutputBytes} bytes` });
    }
    checkAnswer(
      'An expression',
      isRecord(outcome) &&
        (outcome.ok === true
          ? Array.isArray(outcome.values) && outcome.values.length === Math.max(0, batch.count - first) && outcome.values.every(isRecord)
          : outcome.ok === false && isGuestError(outcome.error)),
    );
    return outcome;
  }

  /**
   * Runs a Code node's code for its items (per item or once for all, in one call). The
   * code sees its items without their own `pairedItem` (which names items of the step
   * before): what it returns is paired to this step's items (see the guest runtime).
   */
  async code(scope: RunScope, request: { key: string; step: string; code: string; mode: 'allItems' | 'perItem'; items: readonly Item[] }): Promise<CodeOutcome> {
    const { limits } = scope;
    const { outputs, paired } = await nodesFor(scope, [request.code], request.step, 0, request.items.length);
    const text = await this.call(scope, {
      kind: 'code',
      timeoutMs: limits.codeTimeoutMs,
      programKey: `code:${request.key}`,
      program: codeProgram(request.code),
      payload: JSON.stringify({
        items: request.items.map((item) => ({ json: item.json })),
        mode: request.mode,
        outputs,
        paired,
        maxLogBytes: limits.maxLogBytes,
        maxLogLines: limits.maxLogLines,
        maxOutputChars: limits.maxOutputBytes,
      }),
    });
    const outcome = parseAnswer<CodeOutcome & { error?: GuestError & { output?: number } }>(text, limits);
    checkAnswer(
      'The code',
      isRecord(outcome) &&
        validLogs(outcome.logs, limits) &&
        (outcome.ok === true
          ? Array.isArray(outcome.items) && outcome.items.every((item) => isRecord(item) && isRecord(item.json))
          : outcome.ok === false && isGuestError(outcome.error)),
    );
    if (!outcome.ok && outcome.error.name === 'OutputLimit') {
      throw new SandboxFailure({ kind: 'output', message: `returned more than ${limits.maxOutputBytes} bytes` });
    }
    if (outcome.ok) {
      const deep = tooDeepAt(outcome.items);
      if (deep) throw new NonRetriableError(`The code returned data nested more than ${MAX_ITEM_DEPTH} levels deep (at ${deep.slice(0, 200)})`);
    }
    return outcome;
  }

  /** `pattern.test(subject)` for a user's regular expression, under the expression time limit. */
  async regex(scope: RunScope, pattern: string, flags: string, subject: string): Promise<boolean> {
    const text = await this.call(scope, {
      kind: 'regex',
      timeoutMs: scope.limits.expressionTimeoutMs,
      payload: JSON.stringify({ pattern, flags, subject }),
    });
    const outcome = parseAnswer<{ ok: true; value: boolean } | { ok: false; error: GuestError }>(text, scope.limits);
    if (!outcome.ok) throw new NonRetriableError(`Not a valid regular expression: ${outcome.error.message}`);
    return outcome.value;
  }

  /** The run is over in this worker: its context is dropped. */
  release(runId: string): void {
    this.supervisor.release(runId);
  }

  pids(): number[] {
    return this.supervisor.pids();
  }

  health(): Promise<unknown[]> {
    return this.supervisor.health();
  }

  stop(): Promise<void> {
    return this.supervisor.stop();
  }
}

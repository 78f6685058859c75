/**
 * The messages between the worker (the supervisor) and a sandbox process, over Node's
 * IPC channel with advanced serialization. Glossary:
 *
 * - sandbox process: a child process that owns isolates; it may crash, the worker not.
 * - isolate: an isolated-vm V8 heap with a memory limit, reused for many runs.
 * - context: a fresh global scope inside an isolate, one per run, never shared.
 * - program: compiled source (a step's expressions, a Code node's code), cached per
 *   isolate by key and instantiated once per context.
 * - call: one request to evaluate something for one step: all its items at once.
 *
 * Data crosses as JSON text, never as objects: the guest parses and serialises with
 * intrinsics it captured before user code ran, and the worker parses what comes back.
 */

/** What a run's context knows about its run: `$run`, `$workflow`, `$vars`, the time zone. */
export interface RunInfo {
  run: { id: string; startedAt: string; resumeUrls?: Record<string, string> };
  workflow: { id: string; name: string; version: number };
  timezone: string;
  vars: Record<string, string>;
}

/** `health` reports on the sandbox process itself (its own Object.prototype, memory): diagnostics and the escape tests. */
export type CallKind = 'expressions' | 'code' | 'regex' | 'health';

export interface SandboxCall {
  kind: CallKind;
  runId: string;
  info: RunInfo;
  /** The isolate's heap limit; isolates are grouped by it. */
  memoryMb: number;
  /** CPU time the guest may spend in this call (also bounds waiting for its promise); see `callBudgetMs` for wall time. */
  timeoutMs: number;
  /** Cache key of the program, stable for the same source (version + node). */
  programKey?: string;
  program?: string;
  /** The call's input as JSON text. */
  payload: string;
}

/**
 * Which limit a failed call hit, or what else went wrong.
 *
 * - `rejection`: guest code left a promise rejected with nothing to catch it (isolated-vm fails the call then).
 * - `cancelled`: the worker cancelled the call (its run was cancelled, timed out or is being shut down).
 * - `busy`: not the code's fault: the machine was too busy to give the call its CPU time
 *   within the wall time allowed (see `callBudgetMs`); running it again later can succeed.
 */
export type FailureKind = 'time' | 'memory' | 'output' | 'syntax' | 'rejection' | 'crash' | 'cancelled' | 'busy' | 'internal';

export interface CallFailure {
  kind: FailureKind;
  message: string;
}

/** `cancel`: stop that call now (a running one has its isolate disposed and replaced). */
export type ParentMessage = { type: 'call'; id: number; call: SandboxCall } | { type: 'cancel'; id: number } | { type: 'release'; runId: string };

/**
 * `queued`/`started`: a call waits for an isolate, and starts after all
 * (the worker times a call's deadline from its start). `alive`: a heartbeat, so a process
 * that stops answering altogether is noticed even when no deadline is running; it says
 * how much CPU time the process has used, so the worker can tell a process that is
 * starved by a busy machine from one that burns a core. `retiring`: guest code it cannot
 * stop runs on, so it ends itself now; the call to blame (if any) has had its answer
 * already, and the other calls it held are not to blame.
 */
export type ChildMessage =
  | { type: 'ready'; isolatedVm: string }
  | { type: 'queued' | 'started'; id: number }
  | { type: 'alive'; cpuMs: number }
  | { type: 'retiring'; reason: string }
  | { type: 'result'; id: number; ok: true; value: string }
  | { type: 'result'; id: number; ok: false; failure: CallFailure };

/** How often a sandbox process says it is alive; one silent for many of these is killed. */
export const HEARTBEAT_MS = 500;

/**
 * The timing both sides agree on. isolated-vm's timeout counts wall time, which a busy
 * machine stretches; the limits are CPU time. A call is looked at from `WALL_SLACK` times
 * its limit in wall time on, and stopped once it has computed its limit; isolated-vm's
 * timeout is a backstop at `MAX_STRETCH` times the limit, past which a call the machine
 * kept from computing its limit fails as `busy` (see timing.ts).
 */
export const WALL_SLACK = 1.1;
export const MAX_STRETCH = 20;
/** Wall time allowed for what the sandbox does before the guest's code runs (a new context): no user code runs then. */
export const SETUP_TIMEOUT_MS = 5000;
/** How long a guest that was told to stop (or whose isolate is gone) is given to end before it counts as stuck. */
export const STUCK_AFTER_MS = 500;

/**
 * The wall time a sandbox process may take to answer a call whose time limit is
 * `timeoutMs`, on a machine as busy as the process tolerates: a new context, the
 * backstop, and the time to notice a guest that cannot be stopped. The worker presumes
 * the process hung only past this (see supervisor.ts).
 */
export function callBudgetMs(timeoutMs: number): number {
  return SETUP_TIMEOUT_MS + timeoutMs * MAX_STRETCH + 2 * STUCK_AFTER_MS + 2 * HEARTBEAT_MS;
}

const FAILURE_KINDS: readonly string[] = ['time', 'memory', 'output', 'syntax', 'rejection', 'crash', 'cancelled', 'busy', 'internal'];

/** Checks a message from a sandbox process; anything else means the process misbehaves. */
export function isChildMessage(message: unknown): message is ChildMessage {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  if (m.type === 'ready') return typeof m.isolatedVm === 'string';
  if (m.type === 'alive') return typeof m.cpuMs === 'number';
  if (m.type === 'retiring') return typeof m.reason === 'string';
  if (m.type === 'queued' || m.type === 'started') return typeof m.id === 'number';
  if (m.type !== 'result' || typeof m.id !== 'number') return false;
  if (m.ok === true) return typeof m.value === 'string';
  const failure = m.failure as Record<string, unknown> | undefined;
  return m.ok === false && typeof failure === 'object' && failure !== null && FAILURE_KINDS.includes(failure.kind as string) && typeof failure.message === 'string';
}

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
  /** CPU time the guest may spend in this call (also bounds waiting for its promise). */
  timeoutMs: number;
  /** Cache key of the program, stable for the same source (version + node). */
  programKey?: string;
  program?: string;
  /** The call's input as JSON text. */
  payload: string;
}

/** Which limit a failed call hit, or what else went wrong. */
/**
 * `rejection`: guest code left a promise rejected with nothing to catch it (isolated-vm fails the call then).
 * `cancelled`: the worker cancelled the call (its run was cancelled, timed out or is being shut down).
 */
export type FailureKind = 'time' | 'memory' | 'output' | 'syntax' | 'rejection' | 'crash' | 'cancelled' | 'internal';

export interface CallFailure {
  kind: FailureKind;
  message: string;
}

/** `cancel`: stop that call now (a running one has its isolate disposed and replaced). */
export type ParentMessage = { type: 'call'; id: number; call: SandboxCall } | { type: 'cancel'; id: number } | { type: 'release'; runId: string };

/**
 * `queued`/`started`: a call waits for an isolate, and starts after all
 * (the worker times a call's deadline from its start). `alive`: a heartbeat, so a process
 * that stops answering altogether is noticed even when no deadline is running.
 */
export type ChildMessage =
  | { type: 'ready'; isolatedVm: string }
  | { type: 'queued' | 'started'; id: number }
  | { type: 'alive' }
  | { type: 'result'; id: number; ok: true; value: string }
  | { type: 'result'; id: number; ok: false; failure: CallFailure };

/** How often a sandbox process says it is alive; one silent for many of these is killed. */
export const HEARTBEAT_MS = 500;

const FAILURE_KINDS: readonly string[] = ['time', 'memory', 'output', 'syntax', 'rejection', 'crash', 'cancelled', 'internal'];

/** Checks a message from a sandbox process; anything else means the process misbehaves. */
export function isChildMessage(message: unknown): message is ChildMessage {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  if (m.type === 'ready') return typeof m.isolatedVm === 'string';
  if (m.type === 'alive') return true;
  if (m.type === 'queued' || m.type === 'started') return typeof m.id === 'number';
  if (m.type !== 'result' || typeof m.id !== 'number') return false;
  if (m.ok === true) return typeof m.value === 'string';
  const failure = m.failure as Record<string, unknown> | undefined;
  return m.ok === false && typeof failure === 'object' && failure !== null && FAILURE_KINDS.includes(failure.kind as string) && typeof failure.message === 'string';
}

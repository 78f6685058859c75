/**
 * The node contract. Glossary:
 *
 * - node type: a kind of step, e.g. `connector.http`, declared once by `defineNode`.
 * - node: one use of a node type inside a workflow graph, with its own id, name and params.
 * - port: a named input or output of a node type (`main`, `true`, `false`, ...).
 * - item: the unit of data flowing between steps: `{ json, pairedItem? }`.
 * - lineage: which input item of its step an item came from (`pairedItem`), followed back
 *   step by step to find the item of an earlier step it descends from (`$node("Name").item`).
 * - step: one node's execution inside one run.
 * - idempotency key: `runId:nodeId`, the same on every attempt and after a crash, so a
 *   step that touches the outside world can make its effect happen once.
 */
import type { z } from 'zod';
import type { CredentialTypeId, CredentialValue } from '../credentials/types.ts';

export type JsonObject = { [key: string]: unknown };

export interface Item {
  json: JsonObject;
  /**
   * Which of its step's input items this one came from: an index into the step's input,
   * or several for an item made from many (an aggregate). Absent: unknown (a trigger's
   * items, or code that did not say). `$node("Name").item` follows it back through the run.
   */
  pairedItem?: PairedItem;
}

/** An input item's index, or several for an item made from many. */
export type PairedItem = number | number[];


/** Items emitted by a step, keyed by output port. */
export type PortItems = Record<string, Item[]>;

/** The categories of node types: the first part of a type id, and a folder under nodes/src. */
export const NODE_CATEGORIES = ['trigger', 'logic', 'transform', 'code', 'connector'] as const;
export type NodeCategory = (typeof NODE_CATEGORIES)[number];

/**
 * How a failed attempt is retried. Waiting between attempts holds no worker: the run
 * goes back to the queue and is picked up again when the backoff has passed.
 */
export interface RetryPolicy {
  /** Total attempts including the first (1 = no retry). */
  maxAttempts: number;
  /** Wait before the second attempt; doubles on each further attempt. */
  backoffMs: number;
  /** Upper bound of one wait. */
  maxBackoffMs: number;
}

export const NO_RETRY: RetryPolicy = { maxAttempts: 1, backoffMs: 1000, maxBackoffMs: 60_000 };

export interface NodeDefinition<P extends z.ZodType = z.ZodType> {
  /** `category.name`, stable forever: graphs refer to it. */
  type: string;
  version: number;
  label: string;
  description: string;
  icon: string;
  category: NodeCategory;
  /** Input port names; trigger nodes have none. */
  inputs: readonly string[];
  /** Output port names. */
  outputs: readonly string[];
  params: P;
  /**
   * `perItem`: run is called once per input item with that item's params resolved.
   * `allItems`: run is called once with the whole list.
   */
  mode: 'perItem' | 'allItems';
  /**
   * True when running the step has an effect outside Junction (HTTP call, e-mail, DB
   * write). Pure steps are cheap to repeat, so the runtime may checkpoint them together
   * with the next step; a step with side effects is checkpointed before and after.
   */
  sideEffects: boolean;
  /**
   * The node's run may return `{ wait }` (an all-items node): its steps can wait, and each
   * gets a resume URL (`$run.resumeUrls["Node name"]` in expressions of the run's steps).
   */
  waits?: boolean;
  /**
   * Params taken exactly as written: `{{ }}` in them is not an expression. By path: a
   * top-level param (`code`, the Code node's code) or one inside an object (`action.sql`).
   */
  literalParams?: readonly string[];
  retry: RetryPolicy;
  /** For trigger nodes: how runs of this trigger start. */
  trigger?: { kind: 'manual' | 'webhook' | 'schedule' | 'poll' | 'error' | 'subflow' };
  /**
   * The credentials the node takes: each a param holding a credential's id, and the
   * credential types it accepts. The runtime checks the reference, decrypts the
   * credential inside the worker and hands it to `run` as `ctx.credentials[param]`.
   */
  credentials?: readonly CredentialSlot[];
}

export interface CredentialSlot {
  /** The top-level param that holds the credential id. */
  param: string;
  types: readonly CredentialTypeId[];
}

export interface StepLogger {
  info(message: string, data?: JsonObject): void;
  warn(message: string, data?: JsonObject): void;
  error(message: string, data?: JsonObject): void;
}

/**
 * Running user-written code, provided by the runtime: everything runs inside the
 * sandbox (isolated-vm in a separate process), never in the worker.
 */
export interface SandboxAccess {
  /**
   * Runs a Code node's JavaScript for the step's items in one sandbox call: once with all
   * items, or once per item. Its console output goes into the step's record.
   */
  runCode(request: { code: string; mode: 'allItems' | 'perItem'; items: Item[] }): Promise<Item[]>;
  /** `new RegExp(pattern, flags).test(subject)` for a user's pattern, under the sandbox's time limit. */
  testRegex(pattern: string, flags: string, subject: string): Promise<boolean>;
}

export interface BaseContext<P> {
  params: P;
  node: { id: string; name: string; type: string };
  run: { id: string; workflowId: string };
  /** The workflow's time zone (IANA, e.g. Asia/Taipei): dates without an offset are read in it. */
  timezone: string;
  /** Which attempt this is, starting at 1. */
  attempt: number;
  /**
   * The same on every attempt and after a crash: pass it on (Idempotency-Key header,
   * upsert key) for effects. `runId:nodeId`; per-item steps with several items get
   * `runId:nodeId:itemIndex` for each item, since each item is its own effect.
   */
  idempotencyKey: string;
  /** Aborted on cancel, run timeout or worker shutdown. */
  signal: AbortSignal;
  /**
   * The node continues on error (`onError: "continue"`). A node that handles items one by
   * one may then put a failed item's error on that item (`json.error: { name, message }`,
   * as the runtime does for a failed step) and go on with the others.
   */
  continueOnError: boolean;
  log: StepLogger;
  /** User code (Code node, a user's regular expression). Absent where no sandbox runs, e.g. plain unit tests. */
  sandbox?: SandboxAccess;
  /** The decrypted credentials the node's params refer to, by param name (see `NodeDefinition.credentials`). */
  credentials: Readonly<Record<string, CredentialValue>>;
  /**
   * Keys this workflow's step has seen before, kept in Junction's database across runs
   * (`transform.dedupe`). Absent where there is no database (plain unit tests).
   */
  memory?: KeyMemory;
  /** Runs of other workflows (logic.subflow). Absent where there is no runtime (plain unit tests). */
  subflows?: SubflowRuns;
  /**
   * Adds a secret the node came by while running (an access token it fetched) to those
   * scrubbed from this step's output, error and log lines. The credentials' own secret
   * fields are scrubbed already.
   */
  redact(secret: string): void;
  /**
   * `text` with every secret this step knows (its credentials', and what it passed to
   * `redact`) replaced by `[redacted]`; with `maxChars`, then cut to that length without
   * leaving the first part of a secret at the cut. For an excerpt the node keeps (a failed
   * answer's body): scrubbed before it is cut, a secret across the cut goes whole.
   *
   * @example throw new NonRetriableError(msg, { details: { body: ctx.scrub(text, 500) } })
   */
  scrub(text: string, maxChars?: number): string;
}

/** Runs of other workflows a step starts and waits for (logic.subflow), provided by the runtime. */
export interface SubflowRuns {
  /**
   * Starts a run of `workflowId` (at its "When called by another workflow" trigger) for each
   * batch of items. The same step asking again (after a crash) gets the same runs.
   */
  start(workflowId: string, batches: Item[][]): Promise<string[]>;
  /** How the runs ended: their status, the items of their last step, their error. */
  results(runIds: string[]): Promise<{ id: string; status: string; output: Item[] | null; error: { name: string; message: string } | null }[]>;
}

export interface KeyMemory {
  /**
   * Which of `keys` this step sees first — not seen by another run of the workflow within
   * `rememberMs` (null: ever). Asked again by the same run (a step run again after a crash,
   * a retry of the run), the answer is the same. Only the newest `maxEntries` are kept.
   */
  firstSeen(keys: string[], options: { rememberMs: number | null; maxEntries: number }): Promise<Set<string>>;
}

export interface ItemContext<P> extends BaseContext<P> {
  item: Item;
  itemIndex: number;
}

export interface AllItemsContext<P> extends BaseContext<P> {
  items: Item[];
  /**
   * Each item's params, its expressions filled in for that item and checked, as a
   * `perItem` node gets them: for a node that chooses by a param of its own whether it
   * acts once or per item (one e-mail for all items, or one each). `params` stays the
   * once-resolved form (expressions seeing the first item).
   */
  itemParams(): Promise<P[]>;
  /**
   * Present when the step waited (its run returned `{ wait }`) and now wakes: why, with
   * what a caller sent, and the state the step kept. The run then returns items as usual,
   * or waits again.
   */
  resumed?: Resumption;
  /**
   * The address that resumes this step while it waits (see `WaitRequest.resumable`), and
   * the public address of Junction, for links in what the step shows.
   */
  resumeUrl?: string;
}

/**
 * A step that waits — for a time, an approval, a callback — holds no worker and no
 * memory while it does: its run is a row, brought back by a job at `until` or by a call
 * to the step's resume URL. Waits only in all-items nodes.
 */
export interface WaitRequest {
  /** Wake at this time (ISO) even if nobody resumes: a delay's end, an approval's expiry. Null: only a resume wakes it. */
  until: string | null;
  /** A call to the step's resume URL wakes it (with what the caller sent). */
  resumable: boolean;
  /** What it waits for, in a person's words: shown in run history and on the resume page. */
  reason: string;
  /** What the resume page offers: approve/reject buttons, a form's fields, or nothing (a callback for systems). */
  page?: { kind: 'approval' } | { kind: 'form'; fields: ResumeFormField[] } | { kind: 'callback' };
  /** Kept with the waiting step and handed back when it wakes. */
  state?: JsonObject;
  /** Runs it waits for (sub-workflow calls): it wakes when every one has finished. */
  runs?: string[];
}

export interface ResumeFormField {
  name: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'choice' | 'textarea';
  required: boolean;
  choices?: string[];
}

export interface StepWait {
  wait: WaitRequest;
}

/** Why a waiting step woke. */
export interface Resumption {
  /** `time`: its `until` came; `call`: its resume URL was called; `runs`: the runs it waited for have finished. */
  by: 'time' | 'call' | 'runs';
  at: string;
  /** What the caller sent: `{ decision: 'approve' | 'reject', comment? }` from an approval page, a form's fields, a callback's JSON body. */
  data?: JsonObject;
  /** Who called, as far as is known (the address and browser of a link's caller). */
  caller?: string;
  state?: JsonObject;
}

/** True when a run's result is a wait rather than items (a port named "wait" holds a list). */
export function isStepWait(result: unknown): result is StepWait {
  const wait = (result as { wait?: unknown } | null)?.wait;
  return typeof wait === 'object' && wait !== null && !Array.isArray(wait);
}

/**
 * What a polling trigger (trigger.poll) is given each time it looks: its params, its
 * credentials, and a signal aborted when it takes too long or the worker stops.
 */
export interface PollContext<P> {
  params: P;
  node: { id: string; name: string; type: string };
  credentials: Readonly<Record<string, CredentialValue>>;
  signal: AbortSignal;
  timezone: string;
  redact(secret: string): void;
  /** As a step's `scrub` (see BaseContext). */
  scrub(text: string, maxChars?: number): string;
}

/** Looks at the trigger's source: the rows found now (the runtime decides which are new). */
export type PollRun<P> = (ctx: PollContext<P>) => Promise<JsonObject[]>;

/** What a per-item run returns: items per port (without `pairedItem`; the runtime pairs each to the run's item). */
export type PerItemRun<P> = (ctx: ItemContext<P>) => Promise<PortItems> | PortItems;
export type AllItemsRun<P> = (ctx: AllItemsContext<P>) => Promise<PortItems> | PortItems;
/** The run of an all-items node that may wait (logic.wait, a sub-workflow call): items, or `{ wait }`. */
export type WaitingRun<P> = (ctx: AllItemsContext<P>) => Promise<PortItems | StepWait> | PortItems | StepWait;

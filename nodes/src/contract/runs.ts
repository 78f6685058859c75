/** Runs and their steps as the API answers them, and the live events of a run. */
import { z } from 'zod';
import type { StepErrorRecord } from '../sdk/errors.ts';
import type { Item as SdkItem } from '../sdk/types.ts';
import { RUN_STATUSES, STEP_STATUSES } from './vocabulary.ts';
import { Id, Timestamp, WorkflowGraphDocument } from './workflows.ts';

const RunStatus = z.enum(RUN_STATUSES);
const StepStatus = z.enum(STEP_STATUSES);

/** The unit of data between steps (the type is the node SDK's `Item`). */
export const ItemSchema = z.object({
  json: z.record(z.string(), z.unknown()),
  pairedItem: z
    .union([z.number().int(), z.array(z.number().int())])
    .optional()
    .meta({ description: 'The input item(s) of its step this one came from (several for an item made from many)' }),
}) satisfies z.ZodType<SdkItem>;

/** How many items run detail shows of each list (a step's input, each output port, the run's input and output); the rest are paged. */
export const PREVIEW_ITEMS = 20;
/** About how many characters of JSON run detail shows of one item; a larger one is cut short (`truncated`). */
export const PREVIEW_ITEM_CHARS = 4096;

/** An item as run detail shows it: the whole of it, or the beginning of a large one. */
export const PreviewItem = ItemSchema.extend({
  truncated: z
    .object({ bytes: z.number().int().meta({ description: "Bytes of the whole item's JSON" }) })
    .optional()
    .meta({ description: "Only the beginning of the item's JSON is shown (what could be read of it); page the step's items for the whole of it" }),
}).meta({ id: 'PreviewItem' });
export type PreviewItem = z.infer<typeof PreviewItem>;

/** Why a step (or a run) failed. */
export const StepError = z.object({
  name: z.string().meta({ example: 'NodeError' }),
  message: z.string(),
  retriable: z.boolean().meta({ description: 'false: retrying cannot fix it (bad params, a 4xx)' }),
  transient: z.boolean().optional().meta({ description: "The machine's fault, not the step's (the worker stopped, the sandbox was starved of CPU): retried even without a retry policy" }),
  details: z.record(z.string(), z.unknown()).optional(),
}) satisfies z.ZodType<StepErrorRecord>;
export type StepError = z.infer<typeof StepError>;

/** A run's error: its failed step's, naming the node. */
export const RunError = StepError.extend({ nodeId: z.string().optional() });
export type RunError = z.infer<typeof RunError>;

/** A line a Code step wrote with console.log/info/warn/error. */
export const LogLine = z.object({ level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string() });
export type LogLine = z.infer<typeof LogLine>;

/** One attempt of a step (a step that is retried has several). */
export const Attempt = z.object({
  attempt: z.number().int(),
  startedAt: Timestamp,
  finishedAt: Timestamp.optional(),
  status: z.enum(['succeeded', 'failed', 'running', 'interrupted', 'waiting']).meta({
    description: 'interrupted: the worker stopped during this attempt, and the next one ran the step again; waiting: the step waits (see wait)',
  }),
  error: StepError.optional(),
  logs: z.array(LogLine).optional().meta({ description: 'What a Code step wrote with console.log/info/warn/error' }),
});
export type Attempt = z.infer<typeof Attempt>;

export const RunSummary = z
  .object({
    id: Id,
    workflowId: Id,
    versionId: Id,
    status: RunStatus,
    mode: z.string().meta({ description: 'How it started: manual, webhook, retry', example: 'webhook' }),
    triggerNodeId: z.string(),
    error: RunError.nullable(),
    retryOf: Id.nullable(),
    parentRunId: Id.nullable().meta({ description: "A sub-workflow's run: the run whose step started it" }),
    createdAt: Timestamp,
    startedAt: Timestamp.nullable(),
    finishedAt: Timestamp.nullable(),
    cancelRequested: z.boolean(),
  })
  .meta({ id: 'RunSummary' });
export type RunSummary = z.infer<typeof RunSummary>;

export const RunPage = z.object({ runs: z.array(RunSummary), nextCursor: z.string().nullable() });
export type RunPage = z.infer<typeof RunPage>;

export const Step = z
  .object({
    nodeId: z.string(),
    name: z.string(),
    type: z.string(),
    status: StepStatus,
    attempt: z.number().int().meta({ description: 'The attempt this step is at (1 = first)' }),
    input: z.array(PreviewItem).nullable().meta({ description: `The first ${PREVIEW_ITEMS} items the step received (null: it was skipped); the rest through its items route` }),
    inputCount: z.number().int().nullable().meta({ description: 'How many items the step received' }),
    output: z.record(z.string(), z.array(PreviewItem)).nullable().meta({ description: `The first ${PREVIEW_ITEMS} items of each output port; the rest through its items route` }),
    outputCounts: z.record(z.string(), z.number().int()).nullable().meta({ description: 'How many items each output port emitted' }),
    error: StepError.nullable(),
    attempts: z.array(Attempt),
    startedAt: Timestamp.nullable(),
    finishedAt: Timestamp.nullable(),
    nextAttemptAt: Timestamp.nullable().meta({ description: 'When a retrying step tries again' }),
    wait: z
      .looseObject({ until: Timestamp.nullable(), resumable: z.boolean(), reason: z.string(), since: Timestamp })
      .nullable()
      .meta({ description: 'A step that waits or waited: what for, until when, and how it woke (resumed: by time or call, when, what was sent, who)' }),
    resumeUrl: z
      .string()
      .optional()
      .meta({ description: 'While the step waits for a call (an approval, a form, a callback): the address that answers it. Only for those who may run the workflow' }),
  })
  .meta({ id: 'Step' });
export type Step = z.infer<typeof Step>;

export const RunDetail = RunSummary.extend({
  input: z.array(PreviewItem).meta({ description: `The first ${PREVIEW_ITEMS} items the run started with` }),
  inputCount: z.number().int(),
  output: z.array(PreviewItem).nullable().meta({ description: `The first ${PREVIEW_ITEMS} items of the run's output (its last step that emitted any)` }),
  outputCount: z.number().int().nullable(),
  steps: z.array(Step),
}).meta({ id: 'Run' });
export type RunDetail = z.infer<typeof RunDetail>;

/** Which of a step's lists to page: what it received, or what it emitted on a port. */
export const STEP_ITEM_SIDES = ['input', 'output'] as const;

/** A page of a step's items, whole. */
export const StepItemsPage = z
  .object({
    items: z.array(ItemSchema),
    total: z.number().int().meta({ description: 'Items in the whole list' }),
    nextCursor: z.string().nullable().meta({ description: 'Pass as cursor for the next page; null at the end' }),
  })
  .meta({ id: 'StepItemsPage' });
export type StepItemsPage = z.infer<typeof StepItemsPage>;

/** The workflow version a run executed. */
export const RunWorkflow = z
  .object({ workflowId: Id, name: z.string(), version: z.number().int(), graph: WorkflowGraphDocument })
  .meta({ id: 'RunWorkflow' });
export type RunWorkflow = z.infer<typeof RunWorkflow>;

export const RunAccepted = z.object({ runId: Id }).meta({ id: 'RunAccepted' });
export type RunAccepted = z.infer<typeof RunAccepted>;

export const CancelAccepted = z.object({ status: z.enum(['cancelled', 'cancelling']) });
export type CancelAccepted = z.infer<typeof CancelAccepted>;

/** A step as run events tell it (`step` events, and each step of a `snapshot`): item counts, never items. */
export const LiveStep = z.object({
  nodeId: z.string(),
  status: StepStatus,
  attempt: z.number().int(),
  counts: z.record(z.string(), z.number().int()).meta({ description: 'Items per output port' }),
  error: z.object({ name: z.string(), message: z.string() }).nullable(),
});
export type LiveStep = z.infer<typeof LiveStep>;

/** The `snapshot` event: the run's status and every step so far. */
export const RunSnapshot = z.object({
  run: z.object({ id: Id, status: RunStatus, error: RunError.nullable() }),
  steps: z.array(LiveStep),
});
export type RunSnapshot = z.infer<typeof RunSnapshot>;

/** The `step` and `run` events, as the worker publishes them. */
export type RunEvent = ({ type: 'step' } & LiveStep) | { type: 'run'; status: z.infer<typeof RunStatus> };

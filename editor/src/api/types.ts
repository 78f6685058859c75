/** What the API answers, as the editor reads it (see /api/openapi.json). */
import type { WorkflowGraph } from '@junction/nodes';

export type RunStatus = 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled';
export type StepStatus = 'queued' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped';
export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'];
export const FINISHED: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export interface LastRun {
  id: string;
  status: RunStatus;
  createdAt: string;
  finishedAt: string | null;
}

export interface WorkflowSummary {
  id: string;
  name: string;
  /** Who created it (null: from before users existed); they and admins decide who it is shared with. */
  ownerId: string | null;
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  lastRun: LastRun | null;
}

export interface Workflow extends Omit<WorkflowSummary, 'lastRun'> {
  versionId: string;
  graph: WorkflowGraph;
}

export interface VersionSummary {
  id: string;
  version: number;
  createdAt: string;
}

export interface NodeTypeInfo {
  type: string;
  version: number;
  label: string;
  description: string;
  icon: string;
  category: string;
  inputs: string[];
  outputs: string[];
  sideEffects: boolean;
  trigger?: { kind: string };
  /** Params taken as written: `{{ }}` in them is not an expression (the Code node's code). */
  literalParams?: string[];
  /** Params that hold a credential id, and the credential types each accepts. */
  credentials?: { param: string; types: string[] }[];
  params: JsonSchema;
}

/** The subset of JSON Schema (draft 2020-12, as zod writes it) that forms are made from. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  contentMediaType?: string;
  additionalProperties?: boolean | JsonSchema;
}

export interface Item {
  json: Record<string, unknown>;
  /** The input item(s) of its step this one came from (several for an item made from many). */
  pairedItem?: number | number[];
}

export interface StepError {
  name: string;
  message: string;
  retriable?: boolean;
  details?: unknown;
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export interface Attempt {
  attempt: number;
  startedAt: string;
  finishedAt?: string;
  /** `interrupted`: the worker stopped during this attempt; the next one ran the step again. */
  status: 'succeeded' | 'failed' | 'running' | 'interrupted';
  error?: StepError;
  /** What a Code step wrote with console.log/info/warn/error. */
  logs?: LogLine[];
}

export interface RunSummary {
  id: string;
  workflowId: string;
  versionId: string;
  status: RunStatus;
  mode: string;
  triggerNodeId: string;
  error: (StepError & { nodeId?: string }) | null;
  retryOf: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  cancelRequested: boolean;
}

export interface StepDetail {
  nodeId: string;
  name: string;
  type: string;
  status: StepStatus;
  attempt: number;
  input: Item[] | null;
  output: Record<string, Item[]> | null;
  error: StepError | null;
  attempts: Attempt[];
  startedAt: string | null;
  finishedAt: string | null;
  nextAttemptAt: string | null;
}

export interface RunDetail extends RunSummary {
  input: Item[];
  output: Item[] | null;
  steps: StepDetail[];
}

export interface RunWorkflow {
  workflowId: string;
  name: string;
  version: number;
  graph: WorkflowGraph;
}

/** A step's state as run events carry it: no items, only their counts. */
export interface LiveStep {
  nodeId: string;
  status: StepStatus;
  attempt: number;
  counts: Record<string, number>;
  error?: { name: string; message: string } | null;
}

export interface RunSnapshot {
  run: { id: string; status: RunStatus; error: RunSummary['error'] };
  steps: LiveStep[];
}

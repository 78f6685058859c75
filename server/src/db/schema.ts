/**
 * The whole database schema. Migrations in /migrations are generated from this file by
 * `npm run db:generate` (drizzle-kit) and never edited by hand once committed.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { Item, PortItems, StepErrorRecord, WorkflowGraph } from '@junction/nodes';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const workflows = pgTable(
  'workflows',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    active: boolean('active').notNull().default(false),
    /** Number of the newest version; versions are numbered 1, 2, 3 ... per workflow. */
    currentVersion: integer('current_version').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Deleted workflows keep their runs for history; they cannot run again. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('workflows_updated_idx').on(t.updatedAt.desc()).where(sql`${t.deletedAt} is null`)],
);
export type WorkflowRow = typeof workflows.$inferSelect;

export const workflowVersions = pgTable(
  'workflow_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id),
    version: integer('version').notNull(),
    graph: jsonb('graph').$type<WorkflowGraph>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('workflow_versions_workflow_version_uq').on(t.workflowId, t.version)],
);
export type WorkflowVersionRow = typeof workflowVersions.$inferSelect;

/** Webhook paths of active workflows. Filled on activate, emptied on deactivate. */
export const webhooks = pgTable(
  'webhooks',
  {
    method: text('method').notNull(),
    path: text('path').notNull(),
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id),
    versionId: uuid('version_id')
      .notNull()
      .references(() => workflowVersions.id),
    nodeId: text('node_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.method, t.path] }), index('webhooks_workflow_idx').on(t.workflowId)],
);
export type WebhookRow = typeof webhooks.$inferSelect;

export const RUN_STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export const runs = pgTable(
  'runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Insertion order: the keyset for paging run history newest first. */
    seq: bigserial('seq', { mode: 'number' }).notNull().unique(),
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id),
    versionId: uuid('version_id')
      .notNull()
      .references(() => workflowVersions.id),
    status: text('status').$type<RunStatus>().notNull().default('queued'),
    /** How it started: manual, webhook, retry. */
    mode: text('mode').notNull(),
    triggerNodeId: text('trigger_node_id').notNull(),
    /** The items the trigger step emits. */
    input: jsonb('input').$type<Item[]>().notNull(),
    /** The last finished step's output (what a waiting webhook answers with). */
    output: jsonb('output').$type<Item[]>(),
    error: jsonb('error').$type<StepErrorRecord & { nodeId?: string }>(),
    retryOf: uuid('retry_of'),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** After this the run is stopped and marked failed. */
    deadlineAt: timestamp('deadline_at', { withTimezone: true }).notNull(),
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    /** Someone (a webhook waiting in another process) must hear when the run ends. */
    notifyFinish: boolean('notify_finish').notNull().default(false),
    /** Someone follows the run live (the editor): the worker publishes each step's progress. */
    watched: boolean('watched').notNull().default(false),
    /** The worker process executing the run; its liveness is its lease. */
    leaseOwner: text('lease_owner'),
    /** Bumped by every checkpoint: a writer whose view is stale cannot commit. */
    version: integer('version').notNull().default(0),
  },
  (t) => [
    index('runs_seq_idx').on(t.seq.desc()),
    index('runs_workflow_seq_idx').on(t.workflowId, t.seq.desc()),
    index('runs_status_seq_idx').on(t.status, t.seq.desc()),
    index('runs_created_idx').on(t.createdAt),
  ],
);
export type RunRow = typeof runs.$inferSelect;

export const STEP_STATUSES = ['running', 'retrying', 'succeeded', 'failed', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export interface AttemptRecord {
  attempt: number;
  startedAt: string;
  finishedAt?: string;
  status: 'succeeded' | 'failed' | 'running';
  error?: StepErrorRecord;
}

export const steps = pgTable(
  'steps',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    nodeId: text('node_id').notNull(),
    status: text('status').$type<StepStatus>().notNull(),
    /** The attempt this row describes (1 = first). */
    attempt: integer('attempt').notNull().default(1),
    output: jsonb('output').$type<PortItems>(),
    error: jsonb('error').$type<StepErrorRecord>(),
    attempts: jsonb('attempts').$type<AttemptRecord[]>().notNull().default([]),
    /** Order in which steps finished within the run. */
    position: integer('position').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** When a step is retrying: the time of its next attempt. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.runId, t.nodeId] })],
);
export type StepRow = typeof steps.$inferSelect;

/** Live worker processes. A process missing its heartbeat is dead; its runs are taken over. */
export const workerProcesses = pgTable('worker_processes', {
  id: text('id').primaryKey(),
  /** The graphile-worker pool and worker ids whose job locks this process holds. */
  lockIds: text('lock_ids').array().notNull().default(sql`'{}'::text[]`),
  hostname: text('hostname').notNull(),
  pid: integer('pid').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
});

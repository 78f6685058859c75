/**
 * The whole database schema. Migrations in /migrations are generated from this file by
 * `npm run db:generate` (drizzle-kit) and never edited by hand once committed.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
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
import type { Attempt, AuditDetails, Item, StepErrorRecord, StepWaitRecord, WorkflowGraph } from '@junction/nodes';
import type { Role, RunStatus, StepStatus } from '@junction/nodes/vocabulary';
import type { StoredOutput } from './step-data.ts';

// The statuses and roles are the API's words (nodes/src/contract/vocabulary.ts); the columns hold them.
export { FINISHED_RUN_STATUSES, ROLES, RUN_STATUSES, STEP_STATUSES, type Role, type RunStatus, type StepStatus } from '@junction/nodes/vocabulary';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const at = (name: string) => timestamp(name, { withTimezone: true });

/** People who sign in. Never deleted (the audit log names them): disabled instead. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Lower-cased; unique. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role').$type<Role>().notNull(),
    /** scrypt, self-describing: `scrypt$N$r$p$salt$hash`. */
    passwordHash: text('password_hash').notNull(),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    /** A disabled user cannot sign in; their sessions and API keys stop working. */
    disabledAt: at('disabled_at'),
  },
  (t) => [
    uniqueIndex('users_email_uq').on(t.email),
    // At most one owner, enforced by the database.
    uniqueIndex('users_one_owner_uq').on(t.role).where(sql`${t.role} = 'owner'`),
  ],
);
export type UserRow = typeof users.$inferSelect;

/** Signed-in browser sessions. The cookie holds a random token; only its SHA-256 is stored. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    /** Sent back by the browser in X-CSRF-Token on every write. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    lastSeenAt: at('last_seen_at').notNull().defaultNow(),
    expiresAt: at('expires_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);
export type SessionRow = typeof sessions.$inferSelect;

/** API keys: shown once, stored as SHA-256 (they are long random strings, so a fast hash is enough). */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    /** The key's first characters, to recognise it in a list. */
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    /** Capabilities the key may use; never more than its user's role allows at the time of the request. */
    scopes: text('scopes').array().notNull(),
    createdAt: createdAt(),
    lastUsedAt: at('last_used_at'),
    expiresAt: at('expires_at'),
    revokedAt: at('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_hash_uq').on(t.keyHash), index('api_keys_user_idx').on(t.userId)],
);
export type ApiKeyRow = typeof apiKeys.$inferSelect;

/**
 * Stored secrets nodes use to reach systems. `sealed` is AES-256-GCM of the whole data
 * (see server/src/vault/keyring.ts); `fields` keeps the type's non-secret fields in the
 * clear, so lists and forms need no decryption.
 */
export const credentials = pgTable(
  'credentials',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    type: text('type').notNull(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    fields: jsonb('fields').$type<Record<string, unknown>>().notNull(),
    /** Names of the secret fields that hold a value (so metadata needs no decryption). */
    secretsSet: text('secrets_set').array().notNull().default(sql`'{}'::text[]`),
    /** Which encryption key sealed it: rotation re-seals the records of older keys. */
    keyId: text('key_id').notNull(),
    /** base64 of nonce (12 bytes) + ciphertext + GCM tag (16 bytes). */
    sealed: text('sealed').notNull(),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('credentials_key_idx').on(t.keyId)],
);
export type CredentialRow = typeof credentials.$inferSelect;

/** Who else may use a credential in their workflows. */
export const credentialShares = pgTable(
  'credential_shares',
  {
    credentialId: uuid('credential_id')
      .notNull()
      .references(() => credentials.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.credentialId, t.userId] }), index('credential_shares_user_idx').on(t.userId)],
);

export const workflows = pgTable(
  'workflows',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** Who created it. Null only for workflows from before users existed: admins see those. */
    ownerId: uuid('owner_id').references(() => users.id),
    active: boolean('active').notNull().default(false),
    /** Number of the newest version; versions are numbered 1, 2, 3 ... per workflow. */
    currentVersion: integer('current_version').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Deleted workflows keep their runs for history; they cannot run again. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    index('workflows_updated_idx').on(t.updatedAt.desc()).where(sql`${t.deletedAt} is null`),
    index('workflows_owner_idx').on(t.ownerId),
  ],
);
export type WorkflowRow = typeof workflows.$inferSelect;

/** Editors a workflow's owner shares it with: they may read, change and run it. */
export const workflowShares = pgTable(
  'workflow_shares',
  {
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.userId] }), index('workflow_shares_user_idx').on(t.userId)],
);

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

/**
 * Webhook paths of active workflows. Filled on activate, emptied on deactivate. A path is
 * one path whatever its case: at most one workflow holds it per method.
 */
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
  (t) => [
    primaryKey({ columns: [t.method, t.path] }),
    index('webhooks_workflow_idx').on(t.workflowId),
    uniqueIndex('webhooks_path_ci_idx').on(sql`lower(${t.path})`, t.method),
  ],
);
export type WebhookRow = typeof webhooks.$inferSelect;

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
    /**
     * The run's output (what a waiting webhook answers with) of runs recorded before step
     * data was stored apart; newer runs name the step whose items it is (`outputNodeId`).
     */
    output: jsonb('output').$type<Item[]>(),
    /** The step whose items are the run's output: the last one, by position, that emitted any. */
    outputNodeId: text('output_node_id'),
    error: jsonb('error').$type<StepErrorRecord & { nodeId?: string }>(),
    retryOf: uuid('retry_of'),
    /**
     * The run whose id this one's idempotency keys are made of: the first run of a chain of
     * retries (null: this run itself). A retried step then sends the same key as the
     * attempt that failed, so a system that already acted on it does not act twice.
     */
    idempotencyBase: uuid('idempotency_base'),
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
    /** The instant a schedule or poll fired for (one run per trigger and instant). */
    firedFor: timestamp('fired_for', { withTimezone: true }),
    /** A run queued behind another of its workflow (a schedule's overlap policy "queue"): it starts once that one has finished. */
    waitsFor: uuid('waits_for'),
    /** A sub-workflow's run: the run and step that called it, and which of its calls (an item's index). */
    parentRunId: uuid('parent_run_id'),
    parentNodeId: text('parent_node_id'),
    parentIndex: integer('parent_index'),
    /** How deep in sub-workflow calls (0: started by a trigger). */
    depth: integer('depth').notNull().default(0),
  },
  (t) => [
    index('runs_seq_idx').on(t.seq.desc()),
    index('runs_workflow_seq_idx').on(t.workflowId, t.seq.desc()),
    index('runs_status_seq_idx').on(t.status, t.seq.desc()),
    index('runs_created_idx').on(t.createdAt),
    // The sweeper checks every unfinished run has a job: few rows, however long the history.
    index('runs_unfinished_idx').on(t.seq).where(sql`${t.status} in ('queued', 'running', 'waiting')`),
    uniqueIndex('runs_fired_uq').on(t.workflowId, t.triggerNodeId, t.firedFor).where(sql`${t.firedFor} is not null`),
    uniqueIndex('runs_parent_uq').on(t.parentRunId, t.parentNodeId, t.parentIndex).where(sql`${t.parentRunId} is not null`),
  ],
);
export type RunRow = typeof runs.$inferSelect;

/** One attempt of a step, as run history shows it; its `logs` are bounded by JUNCTION_SANDBOX_LOG_LIMIT. */
export type AttemptRecord = Attempt;

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
    /** Where its items are, per output port (in `step_data`), and how many. */
    output: jsonb('output').$type<StoredOutput>(),
    error: jsonb('error').$type<StepErrorRecord>(),
    attempts: jsonb('attempts').$type<AttemptRecord[]>().notNull().default([]),
    /** Order in which steps finished within the run. */
    position: integer('position').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /** When a step is retrying: the time of its next attempt. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    /** A step that waits (logic.wait, a sub-workflow): what for, until when, how it woke. */
    wait: jsonb('wait').$type<StepWaitRecord>(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.nodeId] })],
);
export type StepRow = typeof steps.$inferSelect;

/**
 * The items steps emitted, apart from their `steps` rows, in chunks keyed by the SHA-256 of
 * their JSON within the run: data that several steps of a run emit (a step passing its
 * items on) is stored once. See step-data.ts for what a chunk holds.
 */
export const stepData = pgTable(
  'step_data',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    hash: text('hash').notNull(),
    /** How many values `items` holds. */
    count: integer('count').notNull(),
    /** Bytes of its JSON text as written. */
    bytes: integer('bytes').notNull(),
    /** A JSON array: the `json` of consecutive items of a port, or their `pairedItem`s. */
    items: jsonb('items').$type<unknown[]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.hash] })],
);

/**
 * Timed triggers (schedules, polls) of active workflows: filled on activate, emptied on
 * deactivate; each has one graphile-worker job (`trigger:<workflow>:<node>`) due at its next firing.
 */
export const triggerTimers = pgTable(
  'trigger_timers',
  {
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id),
    nodeId: text('node_id').notNull(),
    versionId: uuid('version_id')
      .notNull()
      .references(() => workflowVersions.id),
    kind: text('kind').$type<'schedule' | 'poll'>().notNull(),
    /** When it fires next. */
    nextAt: timestamp('next_at', { withTimezone: true }).notNull(),
    lastFiredAt: timestamp('last_fired_at', { withTimezone: true }),
    /** Why its last firing could not look at its source (a poll whose database was away), until one can. */
    lastError: text('last_error'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.nodeId] })],
);

/** What a poll trigger has seen, by key: what is new, changed, or starting to match again is what fires. */
export const pollKeys = pgTable(
  'poll_keys',
  {
    workflowId: uuid('workflow_id').notNull(),
    nodeId: text('node_id').notNull(),
    key: text('key').notNull(),
    /** A hash of the row (mode "new or changed"). */
    hash: text('hash'),
    seenAt: at('seen_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.nodeId, t.key] })],
);

/** A poll trigger's state beside its keys: whether it polled before, and the watermark (mode "new by a column"). */
export const pollState = pgTable(
  'poll_state',
  {
    workflowId: uuid('workflow_id').notNull(),
    nodeId: text('node_id').notNull(),
    watermark: jsonb('watermark'),
    polledAt: at('polled_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.nodeId] })],
);

/** Keys a dedupe step has seen, per workflow and node, kept for its time to remember. */
export const dedupeKeys = pgTable(
  'dedupe_keys',
  {
    workflowId: uuid('workflow_id').notNull(),
    nodeId: text('node_id').notNull(),
    key: text('key').notNull(),
    /** The run (its idempotency base) that saw it first: the same run running the step again still finds it new. */
    firstRunId: uuid('first_run_id').notNull(),
    seenAt: at('seen_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.nodeId, t.key] }), index('dedupe_keys_seen_idx').on(t.workflowId, t.nodeId, t.seenAt)],
);

/** Live worker processes. A process missing its heartbeat is dead; its runs are taken over. */
export const workerProcesses = pgTable('worker_processes', {
  id: text('id').primaryKey(),
  /** The graphile-worker pool and worker ids whose job locks this process holds. */
  lockIds: text('lock_ids').array().notNull().default(sql`'{}'::text[]`),
  hostname: text('hostname').notNull(),
  pid: integer('pid').notNull(),
  /**
   * Boot id and PID namespace, and the process's start time (see process-identity.ts): a
   * worker on the same machine knows for certain when this one is gone. Null elsewhere.
   */
  machine: text('machine'),
  processStart: text('process_start'),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Instance-wide variables, read in expressions and code as `$vars.KEY` (as n8n's). Plain
 * text, visible to every workflow: not for secrets (those are credentials).
 */
export const variables = pgTable('variables', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
export type VariableRow = typeof variables.$inferSelect;
/**
 * One row counting the changes to the variables, moved in each change's transaction: a
 * worker's `$vars` is current while the revision it read them at is not behind this one.
 */
export const variableRevision = pgTable(
  'variable_revision',
  {
    one: boolean('one').primaryKey().default(true),
    revision: bigint('revision', { mode: 'number' }).notNull(),
  },
  (t) => [check('variable_revision_one_row', sql`${t.one}`)],
);
/** Who did what, when and from where. Append-only. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: at('at').notNull().defaultNow(),
    actorId: uuid('actor_id'),
    /** The actor's e-mail at the time (or the e-mail tried, for a failed sign-in). */
    actorEmail: text('actor_email'),
    apiKeyId: uuid('api_key_id'),
    /** `resource.verb`, e.g. `workflow.activate`, `auth.sign_in_failed`. */
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    details: jsonb('details').$type<AuditDetails>(),
  },
  (t) => [
    index('audit_actor_idx').on(t.actorId, t.id.desc()),
    index('audit_action_idx').on(t.action, t.id.desc()),
    index('audit_resource_idx').on(t.resourceType, t.resourceId, t.id.desc()),
    index('audit_at_idx').on(t.at),
  ],
);
export type AuditRow = typeof auditLog.$inferSelect;

/** Delivery ids seen by webhooks with replay protection; pruned after a week. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    /** `workflowId:nodeId` of the webhook trigger. */
    scope: text('scope').notNull(),
    deliveryId: text('delivery_id').notNull(),
    receivedAt: at('received_at').notNull().defaultNow(),
    /** The run the delivery started (inserted in the same statement: a delivery id is never taken without its run). */
    runId: uuid('run_id'),
  },
  (t) => [primaryKey({ columns: [t.scope, t.deliveryId] }), index('webhook_deliveries_received_idx').on(t.receivedAt)],
);

/** Secrets of this Junction generated once at first use (the key that signs resume URLs). */
export const instanceSecrets = pgTable('instance_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: createdAt(),
});

/** Failed sign-ins by account (`email:...`) and by address (`ip:...`), for the lockout. */
export const signInFailures = pgTable(
  'sign_in_failures',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull(),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [index('sign_in_failures_key_idx').on(t.key, t.at)],
);

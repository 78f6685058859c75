/** Workflows as the API answers them, and the document a workflow is exported as. */
import { z } from 'zod';
import { WorkflowGraph } from '../workflow/schema.ts';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, RUN_STATUSES } from './vocabulary.ts';

/** An ISO 8601 time in UTC, as every time in the API is written. */
export const Timestamp = z.iso.datetime().meta({ example: '2026-11-25T08:30:00.000Z' });
export const Id = z.uuid().meta({ example: '0199b1c2-6f1e-7cc1-a1b2-3c4d5e6f7a8b' });

/** The graph of a saved version: nodes[] and edges[] keyed by node id, sticky notes and settings. */
export const WorkflowGraphDocument = WorkflowGraph.meta({
  id: 'WorkflowGraph',
  description: 'nodes[] and edges[] keyed by node id, plus sticky notes and settings. See README "The workflow graph".',
  example: {
    nodes: [
      { id: 'n1', type: 'trigger.webhook', name: 'Order received', params: { path: 'orders', method: 'POST' }, position: [0, 0] },
      { id: 'n2', type: 'logic.if', name: 'Big order?', params: { conditions: [{ left: '{{ $json.total }}', op: 'gt', right: 1000 }] }, position: [240, 0] },
    ],
    edges: [{ source: 'n1', sourcePort: 'main', target: 'n2', targetPort: 'main' }],
    settings: { timezone: 'Asia/Taipei', timeoutSeconds: 600 },
  },
});

/**
 * A graph as a client sends it. Any object passes the request's own check: the graph is
 * then checked in full by `validateWorkflow`, whose refusals name the node and the field
 * in words a business user understands. It is documented as the graph it must be.
 */
export const GraphInput = z.record(z.string(), z.unknown()).meta({ allOf: [{ $ref: '#/components/schemas/WorkflowGraph' }] });

export const WorkflowName = z.string().trim().min(1, 'Give the workflow a name').max(200, 'A name is at most 200 characters');

export const WorkflowSummary = z
  .object({
    id: Id,
    name: z.string(),
    ownerId: Id.nullable().meta({ description: 'Who created it (null: from before users existed); they and admins decide who it is shared with' }),
    active: z.boolean(),
    version: z.number().int().meta({ description: 'The number of its current version' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'WorkflowSummary' });
export type WorkflowSummary = z.infer<typeof WorkflowSummary>;

export const Workflow = WorkflowSummary.extend({ versionId: Id, graph: WorkflowGraphDocument }).meta({ id: 'Workflow' });
export type Workflow = z.infer<typeof Workflow>;

export const LastRun = z
  .object({ id: Id, status: z.enum(RUN_STATUSES), createdAt: Timestamp, finishedAt: Timestamp.nullable() })
  .meta({ description: 'The newest run of the workflow, if it ever ran' });
export type LastRun = z.infer<typeof LastRun>;

/** A workflow in the list, with its newest run (for "last run" columns). */
export const WorkflowListEntry = WorkflowSummary.extend({
  lastRun: LastRun.nullable(),
  triggers: z
    .array(z.string())
    .meta({ description: 'The node types of its triggers, in its current version (e.g. "trigger.subflow": other workflows can call it)', example: ['trigger.webhook'] }),
}).meta({ id: 'WorkflowListEntry' });
export type WorkflowListEntry = z.infer<typeof WorkflowListEntry>;

export const WorkflowPage = z.object({ workflows: z.array(WorkflowListEntry), nextCursor: z.string().nullable() });
export type WorkflowPage = z.infer<typeof WorkflowPage>;

export const VersionSummary = z.object({ id: Id, version: z.number().int(), createdAt: Timestamp }).meta({ id: 'VersionSummary' });
export type VersionSummary = z.infer<typeof VersionSummary>;

export const VersionList = z.object({ versions: z.array(VersionSummary) });

export const WorkflowVersion = VersionSummary.extend({ graph: WorkflowGraphDocument }).meta({ id: 'WorkflowVersion' });
export type WorkflowVersion = z.infer<typeof WorkflowVersion>;

/** Someone a workflow is shared with. */
export const ShareUser = z.object({ id: Id, email: z.string(), name: z.string() });
export type ShareUser = z.infer<typeof ShareUser>;

export const WorkflowShares = z.object({ users: z.array(ShareUser) }).meta({ id: 'WorkflowShares' });
export type WorkflowShares = z.infer<typeof WorkflowShares>;

const exportFormat = {
  format: z.literal(EXPORT_FORMAT, { message: 'This is not a Junction workflow file (its "format" must be "junction.workflow")' }),
  formatVersion: z.literal(EXPORT_FORMAT_VERSION, { message: 'This workflow file was made by a newer Junction (formatVersion must be 1)' }),
  name: WorkflowName,
};

/** A workflow as a file to import elsewhere: its current graph, credentials by id, no secrets. */
export const WorkflowExport = z.object({ ...exportFormat, graph: WorkflowGraphDocument, exportedAt: Timestamp }).meta({ id: 'WorkflowExport' });
export type WorkflowExport = z.infer<typeof WorkflowExport>;

/** An export document sent to be imported (its graph is then checked in full). */
export const WorkflowImport = z.object({ ...exportFormat, graph: GraphInput, exportedAt: z.string().optional() }).meta({ id: 'WorkflowImport' });
export type WorkflowImport = z.infer<typeof WorkflowImport>;

/** One trigger of a workflow: how it starts runs, and for schedules and polls when it fires next. */
export const WorkflowTrigger = z
  .object({
    nodeId: z.string(),
    name: z.string(),
    type: z.string(),
    kind: z.enum(['manual', 'webhook', 'schedule', 'poll', 'error', 'subflow']),
    /** Firing now: the workflow is active (schedules and polls have a timer). */
    active: z.boolean(),
    timezone: z.string().optional().meta({ description: 'The time zone a schedule or poll fires in' }),
    next: z.array(Timestamp).optional().meta({ description: 'Its next firings (schedules and polls), from the version shown' }),
    lastFiredAt: Timestamp.nullable().optional(),
    path: z.string().optional().meta({ description: 'A webhook: its address, /hooks/<path>' }),
    problem: z.string().optional().meta({ description: 'Why it cannot fire (a schedule that never fires)' }),
    lastError: z.string().optional().meta({ description: 'A poll: why its last look failed (until one succeeds)' }),
  })
  .meta({ id: 'WorkflowTrigger' });
export type WorkflowTrigger = z.infer<typeof WorkflowTrigger>;

export const WorkflowTriggers = z.object({ triggers: z.array(WorkflowTrigger) }).meta({ id: 'WorkflowTriggers' });
export type WorkflowTriggers = z.infer<typeof WorkflowTriggers>;

/** What a poll trigger would start runs for if it looked now. */
export const PollPreview = z
  .object({
    found: z.number().int().meta({ description: 'Rows the source holds now' }),
    first: z.boolean().meta({ description: 'It never looked before: with "only from now on", its first look starts nothing' }),
    news: z.array(z.record(z.string(), z.unknown())).meta({ description: 'The rows it would start runs for (at most 100)' }),
    newsCount: z.number().int(),
    skipped: z.number().int().meta({ description: 'Rows without a usable key, left out' }),
  })
  .meta({ id: 'PollPreview' });
export type PollPreview = z.infer<typeof PollPreview>;

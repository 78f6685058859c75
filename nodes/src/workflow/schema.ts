/**
 * The workflow graph: the contract between editor, API and runtime. A workflow version
 * is one JSON document of this shape. Edges name nodes by id (never by display name),
 * with React Flow's words: source/sourcePort -> target/targetPort.
 */
import { z } from 'zod';
import { isTimeZone } from '../sdk/schedule.ts';
import { RetryPolicySchema } from './policy.ts';

export const SCHEMA_VERSION = 1;
export const LIMITS = {
  nodes: 2000,
  edges: 5000,
  /** Bytes of the JSON document as saved. */
  documentBytes: 4 * 1024 * 1024,
  nameLength: 128,
};

export const NodeId = z
  .string()
  .min(1, 'A node id cannot be empty')
  .max(64, 'A node id is at most 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'A node id may contain only letters, digits, "-" and "_"');

export const GraphNode = z
  .object({
    id: NodeId,
    type: z.string().min(1, 'Choose a node type').max(100),
    /** Display name, unique in the workflow; renaming never breaks edges. */
    name: z
      .string()
      .trim()
      .min(1, 'Give the node a name')
      .max(LIMITS.nameLength, `A node name is at most ${LIMITS.nameLength} characters`),
    params: z.record(z.string(), z.unknown()).default({}),
    position: z.tuple([z.number().finite(), z.number().finite()]).default([0, 0]),
    /** Overrides the node type's retry policy for this node. */
    retry: RetryPolicySchema.optional(),
    /** When the step fails for good: stop the run, or record the failure and go on. */
    onError: z.enum(['stop', 'continue']).default('stop'),
    notes: z.string().max(10_000).optional(),
  })
  .strict();
export type GraphNode = z.infer<typeof GraphNode>;

export const Edge = z
  .object({
    source: NodeId,
    sourcePort: z.string().min(1).max(64).default('main'),
    target: NodeId,
    targetPort: z.string().min(1).max(64).default('main'),
  })
  .strict();
export type Edge = z.infer<typeof Edge>;

/** A note on the canvas for the people reading the flow; the runtime ignores it. */
export const StickyNote = z
  .object({
    id: NodeId,
    text: z.string().max(10_000).default(''),
    position: z.tuple([z.number().finite(), z.number().finite()]).default([0, 0]),
    width: z.number().finite().min(40).max(4000).default(240),
    height: z.number().finite().min(40).max(4000).default(160),
    color: z.enum(['yellow', 'blue', 'green', 'pink', 'gray']).default('yellow'),
  })
  .strict();
export type StickyNote = z.infer<typeof StickyNote>;

export const Settings = z
  .object({
    timezone: z
      .string()
      .trim()
      .max(64)
      .default('')
      .refine((zone) => zone === '' || isTimeZone(zone), 'Not a known time zone; use a name like "Europe/Warsaw" or "Asia/Taipei"')
      .describe("An IANA time zone such as Asia/Taipei for the workflow's dates and schedules; empty: Junction's own (JUNCTION_TIMEZONE, else UTC)."),
    timeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(30 * 24 * 3600, 'A run may last at most 30 days')
      .default(3600)
      .describe('A run still going after this long is stopped and marked failed.'),
    codeTimeoutMs: z
      .number({ message: 'The Code time limit is a number of milliseconds' })
      .int('The Code time limit is a whole number of milliseconds')
      .min(10, 'The Code time limit is at least 10 ms')
      .max(600_000, 'The Code time limit is at most 600000 ms (10 minutes)')
      .optional()
      .describe("CPU time one Code step may use, in ms (default 5000; the administrator's maximum applies)."),
    expressionTimeoutMs: z
      .number({ message: 'The expression time limit is a number of milliseconds' })
      .int('The expression time limit is a whole number of milliseconds')
      .min(1, 'The expression time limit is at least 1 ms')
      .max(60_000, 'The expression time limit is at most 60000 ms')
      .optional()
      .describe("CPU time one expression may use, in ms (default 100; the administrator's maximum applies)."),
    memoryMb: z
      .number({ message: 'The memory limit is a number of megabytes' })
      .int('The memory limit is a whole number of megabytes')
      .min(16, 'The memory limit is at least 16 MB')
      .max(8192, 'The memory limit is at most 8192 MB')
      .optional()
      .describe("Heap memory the sandbox may use for this workflow's code and expressions, in MB (default 128; the administrator's maximum applies)."),
    errorWorkflowId: z
      .uuid({ message: 'The error workflow is the id of a workflow' })
      .optional()
      .describe('A workflow that starts (at its "When a workflow fails" trigger) whenever a run of this one fails.'),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

export const WorkflowGraph = z
  .object({
    schemaVersion: z.literal(SCHEMA_VERSION).default(SCHEMA_VERSION),
    nodes: z.array(GraphNode).max(LIMITS.nodes, `A workflow may have at most ${LIMITS.nodes} nodes`),
    edges: z.array(Edge).max(LIMITS.edges, `A workflow may have at most ${LIMITS.edges} connections`).default([]),
    stickyNotes: z.array(StickyNote).max(500, 'A workflow may have at most 500 sticky notes').default([]),
    settings: Settings.default({ timezone: '', timeoutSeconds: 3600 }),
  })
  .strict();
export type WorkflowGraph = z.infer<typeof WorkflowGraph>;

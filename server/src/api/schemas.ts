/**
 * Request and response schemas shared by the API's resources. Every input the API takes
 * is checked against one of these (or a route's own) before a handler sees it; the
 * OpenAPI document at /api/openapi.json is generated from the same schemas.
 */
import { z } from '@hono/zod-openapi';
import { RUN_STATUSES } from '../db/schema.ts';

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_params' }),
      message: z.string().openapi({ example: 'Node "Post to ERP", field url: Give a full address starting with http:// or https://' }),
      path: z.string().optional().openapi({ example: 'graph.nodes[2].params.url' }),
      issues: z
        .array(
          z.object({
            code: z.string(),
            message: z.string(),
            path: z.string(),
            i18n: z
              .object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) })
              .optional()
              .openapi({
                description: "A node type's own check, by key (`<node type>.<message>`) and the values of its placeholders: the message in other languages comes from the node's words",
                example: { key: 'connector.http.bodyNotAllowed', params: { method: 'GET' } },
              }),
          }),
        )
        .optional(),
    }),
  })
  .openapi('Error');

/** A route's JSON response, for its OpenAPI declaration. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

export const errorResponses = {
  400: { description: 'The request is not valid', content: { 'application/json': { schema: ErrorResponse } } },
  401: { description: 'Not signed in, or the API key is not valid', content: { 'application/json': { schema: ErrorResponse } } },
  403: { description: "The caller's role, API key scopes or CSRF token do not allow this", content: { 'application/json': { schema: ErrorResponse } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorResponse } } },
  409: { description: 'Conflicts with the current state', content: { 'application/json': { schema: ErrorResponse } } },
} as const;

export const IdParam = z.object({
  id: z.uuid({ message: 'Not a valid id' }).openapi({ param: { name: 'id', in: 'path' }, example: '0199b1c2-6f1e-7cc1-a1b2-3c4d5e6f7a8b' }),
});

/** A workflow graph as sent by a client; its full check is `validateWorkflow`. */
export const GraphInput = z
  .record(z.string(), z.unknown())
  .openapi('WorkflowGraph', {
    description: 'nodes[] and edges[] keyed by node id, plus settings. See docs/api.md, "The workflow graph".',
    example: {
      nodes: [
        { id: 'n1', type: 'trigger.webhook', name: 'Order received', params: { path: 'orders', method: 'POST' }, position: [0, 0] },
        { id: 'n2', type: 'logic.if', name: 'Big order?', params: { conditions: [{ left: '{{ $json.total }}', op: 'gt', right: 1000 }] }, position: [240, 0] },
      ],
      edges: [{ source: 'n1', sourcePort: 'main', target: 'n2', targetPort: 'main' }],
      settings: { timezone: 'Asia/Taipei', timeoutSeconds: 600 },
    },
  });

export const Workflow = z
  .object({
    id: z.string(),
    name: z.string(),
    ownerId: z.string().nullable().openapi({ description: 'Who created it (null: from before users existed)' }),
    active: z.boolean(),
    version: z.number().int(),
    versionId: z.string(),
    graph: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Workflow');

export const WorkflowSummary = Workflow.omit({ graph: true, versionId: true }).openapi('WorkflowSummary');

export const RunStatusSchema = z.enum(RUN_STATUSES);

/** A workflow in the list, with its newest run (for "last run" columns). */
export const WorkflowListEntry = WorkflowSummary.extend({
  lastRun: z
    .object({ id: z.string(), status: RunStatusSchema, createdAt: z.string(), finishedAt: z.string().nullable() })
    .nullable()
    .openapi({ description: 'The newest run of the workflow, if it ever ran' }),
}).openapi('WorkflowListEntry');

/** `?watch=true`: someone follows the run live; the worker publishes each step's progress (GET /api/runs/{id}/events). */
export const WatchFlag = z
  .enum(['true', 'false'])
  .optional()
  .transform((value) => value === 'true')
  .openapi({ type: 'string', description: 'true: publish step-by-step progress for GET /api/runs/{id}/events' });

export const RunStatus = RunStatusSchema;

export const RunSummary = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    versionId: z.string(),
    status: RunStatus,
    mode: z.string(),
    triggerNodeId: z.string(),
    error: z.unknown().nullable(),
    retryOf: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    cancelRequested: z.boolean(),
  })
  .openapi('RunSummary');

export const Step = z
  .object({
    nodeId: z.string(),
    name: z.string(),
    type: z.string(),
    status: z.string(),
    attempt: z.number().int(),
    input: z.array(z.unknown()).nullable(),
    output: z.record(z.string(), z.array(z.unknown())).nullable(),
    error: z.unknown().nullable(),
    attempts: z.array(z.unknown()),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    /** A step that waits or waited: what for, until when, and how it woke (who answered). */
    wait: z.unknown().nullable(),
  })
  .openapi('Step');

export const RunDetail = RunSummary.extend({
  input: z.array(z.unknown()),
  output: z.array(z.unknown()).nullable(),
  steps: z.array(Step),
}).openapi('Run');

export const RunAccepted = z.object({ runId: z.string() }).openapi('RunAccepted');

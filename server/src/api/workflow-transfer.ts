/**
 * Copies of workflows: duplicate one on this server, export one as a JSON document, and
 * import such a document (here or on another Junction). The export format is versioned so
 * a future graph schema can still read old files.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { createWorkflow } from '../db/queries/workflows.ts';
import type { ApiDeps } from './app.ts';
import { validationHook } from './request.ts';
import { errorResponses, GraphInput, IdParam, jsonResponse, Workflow } from './schemas.ts';
import { loadWorkflow, parseGraph, present, WorkflowBody } from './workflows.ts';

export const EXPORT_FORMAT = 'junction.workflow' as const;

const WorkflowExport = z
  .object({
    format: z.literal(EXPORT_FORMAT, { message: `This is not a Junction workflow file (its "format" must be "${EXPORT_FORMAT}")` }),
    formatVersion: z.literal(1, { message: 'This workflow file was made by a newer Junction (formatVersion must be 1)' }),
    name: WorkflowBody.shape.name,
    graph: GraphInput,
    exportedAt: z.string().optional(),
  })
  .openapi('WorkflowExport');

const COPY_SUFFIX = ' (copy)';

export function workflowTransferRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const { db } = deps;
  const load = (id: string) => loadWorkflow(db, id);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/duplicate',
      summary: 'Copy a workflow (its current version) into a new, inactive workflow',
      request: { params: IdParam },
      responses: { 201: jsonResponse(Workflow, 'The copy'), ...errorResponses },
    }),
    async (c) => {
      const original = await load(c.req.valid('param').id);
      const name = `${original.name.slice(0, 200 - COPY_SUFFIX.length)}${COPY_SUFFIX}`;
      return c.json(present(await createWorkflow(db, name, original.graph)), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/export',
      summary: 'A workflow (its current version) as a file to import elsewhere',
      request: { params: IdParam },
      responses: { 200: jsonResponse(WorkflowExport, 'The export document'), ...errorResponses },
    }),
    async (c) => {
      const workflow = await load(c.req.valid('param').id);
      const fileName = `${workflow.name.replace(/[^\w.-]+/g, '_').slice(0, 100) || 'workflow'}.junction.json`;
      c.header('content-disposition', `attachment; filename="${fileName}"`);
      const document = {
        format: EXPORT_FORMAT,
        formatVersion: 1 as const,
        name: workflow.name,
        graph: workflow.graph as unknown as Record<string, unknown>,
        exportedAt: new Date().toISOString(),
      };
      return c.json(document, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/import',
      summary: 'Create a workflow from an export document',
      request: { body: { content: { 'application/json': { schema: WorkflowExport } }, required: true } },
      responses: { 201: jsonResponse(Workflow, 'The new workflow (inactive)'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      return c.json(present(await createWorkflow(db, body.name, parseGraph(body.graph))), 201);
    },
  );

  return app;
}

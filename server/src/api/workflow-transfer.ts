/**
 * Copies of workflows: duplicate one on this server, export one as a JSON document, and
 * import such a document (here or on another Junction). The export format is versioned so
 * a future graph schema can still read old files. Credentials travel by id, never by
 * value; a copy or an import belongs to whoever made it, who must be allowed to use the
 * credentials it refers to.
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, Workflow, WorkflowExport, WorkflowImport } from '@junction/nodes';
import { workflowFor } from '../auth/access.ts';
import { principalOf } from '../auth/middleware.ts';
import type { ApiDeps } from './app.ts';
import { Auditor } from './audit.ts';
import { validationHook } from './request.ts';
import { errorResponses, IdParam, jsonResponse } from './schemas.ts';
import { createOwnedWorkflow } from './workflows.ts';

const COPY_SUFFIX = ' (copy)';

export function workflowTransferRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const { db } = deps;
  const audit = new Auditor(db, deps.security);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/duplicate',
      summary: 'Copy a workflow (its current version) into a new, inactive workflow',
      request: { params: IdParam },
      responses: { 201: jsonResponse(Workflow, 'The copy'), ...errorResponses },
    }),
    async (c) => {
      const original = await workflowFor(db, principalOf(c), c.req.valid('param').id, 'read');
      const name = `${original.name.slice(0, 200 - COPY_SUFFIX.length)}${COPY_SUFFIX}`;
      return createOwnedWorkflow(c, deps, audit, name, original.graph, { duplicateOf: original.id });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/export',
      summary: 'A workflow (its current version) as a file to import elsewhere (credentials by id; no secrets)',
      request: { params: IdParam },
      responses: { 200: jsonResponse(WorkflowExport, 'The export document'), ...errorResponses },
    }),
    async (c) => {
      const workflow = await workflowFor(db, principalOf(c), c.req.valid('param').id, 'read');
      await audit.record(c, { action: 'workflow.export', resourceType: 'workflow', resourceId: workflow.id, details: { version: workflow.currentVersion } });
      const fileName = `${workflow.name.replace(/[^\w.-]+/g, '_').slice(0, 100) || 'workflow'}.junction.json`;
      c.header('content-disposition', `attachment; filename="${fileName}"`);
      const document: WorkflowExport = {
        format: EXPORT_FORMAT,
        formatVersion: EXPORT_FORMAT_VERSION,
        name: workflow.name,
        graph: workflow.graph,
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
      request: { body: { content: { 'application/json': { schema: WorkflowImport } }, required: true } },
      responses: { 201: jsonResponse(Workflow, 'The new workflow (inactive)'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      return createOwnedWorkflow(c, deps, audit, body.name, body.graph, { imported: true });
    },
  );

  return app;
}

/**
 * Sharing a workflow with other users (`/shares`): an editor sees, changes and runs the
 * workflows shared with them. Only the workflow's owner and admins change who it is
 * shared with. (Copies as files: workflow-transfer.ts.)
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { WorkflowShares as Shares } from '@junction/nodes';
import { workflowFor } from '../auth/access.ts';
import { principalOf } from '../auth/middleware.ts';
import { listShares, setShares } from '../db/queries/workflows.ts';
import { getUser } from '../db/queries/users.ts';
import type { ApiDeps } from './app.ts';
import { Auditor } from './audit.ts';
import { ApiError } from './errors.ts';
import { validationHook } from './request.ts';
import { errorResponses, IdParam, jsonResponse } from './schemas.ts';

export function workflowSharingRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const { db } = deps;
  const audit = new Auditor(db, deps.security);

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/shares',
      summary: 'Who a workflow is shared with',
      request: { params: IdParam },
      responses: { 200: jsonResponse(Shares, 'The users it is shared with'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await workflowFor(db, principalOf(c), id, 'read');
      return c.json({ users: await listShares(db, id) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/{id}/shares',
      summary: "Set who a workflow is shared with (its owner and admins only): they may read, change and run it",
      request: {
        params: IdParam,
        body: { content: { 'application/json': { schema: z.object({ userIds: z.array(z.uuid()).max(500) }).strict().openapi('WorkflowSharesChange') } }, required: true },
      },
      responses: { 200: jsonResponse(Shares, 'The users it is shared with now'), ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { userIds } = c.req.valid('json');
      const principal = principalOf(c);
      await workflowFor(db, principal, id, 'own');
      const unique = [...new Set(userIds)];
      for (const [index, userId] of unique.entries()) {
        const user = await getUser(db, userId);
        if (!user || user.disabledAt) throw new ApiError(400, 'unknown_user', `There is no active user ${userId}`, { path: `userIds[${index}]` });
      }
      await setShares(db, id, unique);
      await audit.record(c, { action: 'workflow.share', resourceType: 'workflow', resourceId: id, details: { userIds: unique } });
      return c.json({ users: await listShares(db, id) }, 200);
    },
  );

  return app;
}

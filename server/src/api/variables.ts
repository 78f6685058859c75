/**
 * Instance-wide variables (`$vars.KEY` in expressions and code), like n8n's: plain text
 * any workflow can read. Secrets belong in credentials, which are encrypted.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { Variable, VariableList } from '@junction/nodes';
import { createVariable, deleteVariable, getVariable, listVariables, updateVariable } from '../db/queries/variables.ts';
import type { VariableRow } from '../db/schema.ts';
import type { ApiDeps } from './app.ts';
import { Auditor } from './audit.ts';
import { ApiError, notFound } from './errors.ts';
import { validationHook } from './request.ts';
import { errorResponses, jsonResponse } from './schemas.ts';

export const VARIABLE_VALUE_MAX = 10_000;

const Key = z
  .string()
  .min(1, 'Give the variable a name')
  .max(100, 'A variable name is at most 100 characters')
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'A variable name may contain only letters, digits and "_", and does not start with a digit (it is used as $vars.NAME)');
const Value = z.string().max(VARIABLE_VALUE_MAX, `A variable's value is at most ${VARIABLE_VALUE_MAX} characters`);

const KeyParam = z.object({ key: Key.openapi({ param: { name: 'key', in: 'path' }, example: 'ERP_BASE_URL' }) });

const present = (row: VariableRow): Variable => ({ key: row.key, value: row.value, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() });

export function variableRoutes(deps: Pick<ApiDeps, 'db' | 'security'>) {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const { db } = deps;
  const audit = new Auditor(db, deps.security);

  app.openapi(
    createRoute({ method: 'get', path: '/', summary: 'List the variables ($vars), by name', responses: { 200: jsonResponse(VariableList, 'Every variable'), ...errorResponses } }),
    async (c) => c.json({ variables: (await listVariables(db)).map(present) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: 'Create a variable',
      request: { body: { content: { 'application/json': { schema: z.object({ key: Key, value: Value }) } }, required: true } },
      responses: { 201: jsonResponse(Variable, 'The new variable'), ...errorResponses },
    }),
    async (c) => {
      const { key, value } = c.req.valid('json');
      const row = await createVariable(db, key, value);
      if (!row) throw new ApiError(409, 'variable_exists', `A variable named "${key}" already exists; change it with PUT /api/variables/${key}`, { path: 'key' });
      await audit.record(c, { action: 'variable.create', resourceType: 'variable', resourceId: key });
      return c.json(present(row), 201);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/{key}', summary: 'Get a variable', request: { params: KeyParam }, responses: { 200: jsonResponse(Variable, 'The variable'), ...errorResponses } }),
    async (c) => {
      const { key } = c.req.valid('param');
      const row = await getVariable(db, key);
      if (!row) throw notFound('Variable', key);
      return c.json(present(row), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/{key}',
      summary: "Change a variable's value",
      request: { params: KeyParam, body: { content: { 'application/json': { schema: z.object({ value: Value }) } }, required: true } },
      responses: { 200: jsonResponse(Variable, 'The variable after the change'), ...errorResponses },
    }),
    async (c) => {
      const { key } = c.req.valid('param');
      const row = await updateVariable(db, key, c.req.valid('json').value);
      if (!row) throw notFound('Variable', key);
      await audit.record(c, { action: 'variable.update', resourceType: 'variable', resourceId: key });
      return c.json(present(row), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/{key}', summary: 'Delete a variable', request: { params: KeyParam }, responses: { 204: { description: 'Deleted' }, ...errorResponses } }),
    async (c) => {
      const { key } = c.req.valid('param');
      if (!(await deleteVariable(db, key))) throw notFound('Variable', key);
      await audit.record(c, { action: 'variable.delete', resourceType: 'variable', resourceId: key });
      return c.body(null, 204);
    },
  );

  return app;
}

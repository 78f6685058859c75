/**
 * The HTTP API: small apps, one per resource, mounted here. Tests call
 * `createApp(deps).request(...)` with no socket.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type pg from 'pg';
import type { Db } from '../db/client.ts';
import { log } from '../log.ts';
import type { RunEnqueuer } from '../runtime/enqueue.ts';
import type { FinishedRuns } from '../runtime/finished.ts';
import type { RunProgress } from '../runtime/progress.ts';
import { docsRoutes } from './docs.ts';
import { editorRoutes } from './editor.ts';
import { expressionRoutes } from './expressions.ts';
import { runEventRoutes } from './run-events.ts';
import { workflowTransferRoutes } from './workflow-transfer.ts';
import { ApiError } from './errors.ts';
import { hookRoutes } from './hooks.ts';
import { nodeTypeRoutes } from './node-types.ts';
import { runRoutes } from './runs.ts';
import { workflowRoutes } from './workflows.ts';

export interface ApiDeps {
  db: Db;
  pool: pg.Pool;
  finished: FinishedRuns;
  enqueuer: RunEnqueuer;
  /** Live progress of watched runs (run events). */
  progress: RunProgress;
  bodyLimit: number;
  /** The editor's build, served at `/`; none in API-only tests. */
  editorDir?: string;
}

export function createApp(deps: ApiDeps) {
  const app = new OpenAPIHono();

  app.use(
    '*',
    bodyLimit({
      maxSize: deps.bodyLimit,
      onError: () => {
        throw new ApiError(413, 'body_too_large', `The request body is larger than the ${deps.bodyLimit} bytes this server accepts`);
      },
    }),
  );

  app.get('/api/health', async (c) => {
    await deps.pool.query('select 1');
    return c.json({ status: 'ok' });
  });
  app.route('/api/workflows', workflowTransferRoutes(deps));
  app.route('/api/workflows', workflowRoutes(deps));
  app.route('/api/runs', runEventRoutes(deps));
  app.route('/api/runs', runRoutes(deps));
  app.route('/api/expressions', expressionRoutes());
  app.route('/api/node-types', nodeTypeRoutes());
  app.route('/hooks', hookRoutes(deps));
  app.route('/api/docs', docsRoutes());
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Junction API', version: '0.1.0', description: 'Workflows, runs, node types and webhooks of a Junction server.' },
  });

  if (deps.editorDir) app.route('/', editorRoutes(deps.editorDir));

  app.notFound((c) => c.json(new ApiError(404, 'not_found', `Nothing at ${c.req.method} ${c.req.path}`).toJSON(), 404));

  app.onError((error, c) => {
    if (error instanceof ApiError) {
      if (error.headers) for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json(error.toJSON(), error.status);
    }
    if (error instanceof HTTPException) {
      if (error.status === 415) {
        return c.json(new ApiError(415, 'unsupported_media_type', 'Send the body as JSON, with the header Content-Type: application/json').toJSON(), 415);
      }
      const code = error.status === 400 && /json/i.test(error.message) ? 'invalid_json' : 'http_error';
      return c.json(new ApiError(error.status as 400, code, error.message || 'Bad request').toJSON(), error.status);
    }
    log.error('request failed', { method: c.req.method, path: c.req.path, error: error instanceof Error ? error.message : String(error) });
    return c.json(new ApiError(500, 'internal_error', 'Something went wrong on the server; the details are in its log').toJSON(), 500);
  });

  return app;
}

export type AppType = ReturnType<typeof createApp>;

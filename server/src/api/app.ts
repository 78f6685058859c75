/**
 * The HTTP API: small apps, one per resource, mounted here. Tests call
 * `createApp(deps).request(...)` with no socket.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { authorize } from '../auth/middleware.ts';
import { RULES } from '../auth/rules.ts';
import type { Keyring } from '../vault/keyring.ts';
import type { Config } from '../config.ts';
import type pg from 'pg';
import { describeUnavailable, isDatabaseUnavailable, ping, type Db } from '../db/client.ts';
import { describeError, log } from '../log.ts';
import type { RunEnqueuer } from '../runtime/enqueue.ts';
import type { FinishedRuns } from '../runtime/finished.ts';
import type { WorkerHealth } from '../runtime/worker.ts';
import type { ResumeLinks } from '../runtime/resume.ts';
import { resumeRoutes } from './resume.ts';
import { apiKeyRoutes } from './api-keys.ts';
import { auditRoutes } from './audit.ts';
import { authRoutes } from './auth.ts';
import { credentialRoutes } from './credentials.ts';
import type { RunProgress } from '../runtime/progress.ts';
import type { SandboxRuntime } from '../runtime/sandbox-scope.ts';
import type { SandboxAdminLimits } from '../sandbox/limits.ts';
import { docsRoutes } from './docs.ts';
import { editorRoutes } from './editor.ts';
import { expressionRoutes } from './expressions.ts';
import { runEventRoutes } from './run-events.ts';
import { workflowTransferRoutes } from './workflow-transfer.ts';
import { ApiError } from './errors.ts';
import { refuseDeepJson, refuseUnstorableText, type ProxyTrust } from './request.ts';
import { hookRoutes } from './hooks.ts';
import { nodeTypeRoutes } from './node-types.ts';
import { runRoutes } from './runs.ts';
import { userRoutes } from './users.ts';
import { variableRoutes } from './variables.ts';
import { workflowSharingRoutes } from './workflow-sharing.ts';
import { workflowTriggerRoutes } from './workflow-triggers.ts';
import { workflowRoutes } from './workflows.ts';

export interface ApiDeps {
  db: Db;
  pool: pg.Pool;
  finished: FinishedRuns;
  enqueuer: RunEnqueuer;
  /** Live progress of watched runs (run events). */
  progress: RunProgress;
  bodyLimit: number;
  security: SecurityOptions;
  /** The editor's build, served at `/`; none in API-only tests. */
  editorDir?: string;
  /** The sandbox for expression previews (started on first use in an API-only process). */
  sandbox: () => Promise<SandboxRuntime>;
  /** The administrator's sandbox limits: a workflow asking for more is refused when saved. */
  sandboxLimits: SandboxAdminLimits;
  /** Checks the tokens of resume URLs (waiting steps). */
  resume?: ResumeLinks;
  /** The worker's state, in a process that runs one (health reports it). */
  workerHealth?: () => WorkerHealth | undefined;
}

/** How long a client should wait before trying again while the database is away. */
const RETRY_AFTER_SECONDS = 5;
const HEALTH_TIMEOUT_MS = 3000;

/** The database's state for a health check: answered within the timeout, or what is wrong. */
async function databaseHealth(pool: pg.Pool): Promise<{ ok: true; latencyMs: number } | { ok: false; problem: string }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
  });
  try {
    await Promise.race([ping(pool), timeout]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const problem = isDatabaseUnavailable(error) ? describeUnavailable(error) : /no answer within/.test((error as Error).message) ? 'PostgreSQL did not answer in time' : 'PostgreSQL refused the health query';
    return { ok: false, problem };
  } finally {
    clearTimeout(timer);
  }
}

export interface SecurityOptions extends ProxyTrust {
  /** Seals and opens credentials. */
  keyring: Keyring;
  sessionTtlMs: number;
  sessionIdleMs: number;
  /** Requests per second per webhook path in this process; 0 for no limit. */
  webhookRateLimit: number;
  /** Webhook requests are refused (503) while this many queries already wait for a database connection. */
  webhookBacklog?: number;
}

export function securityOptions(config: Config, keyring: Keyring): SecurityOptions {
  return {
    keyring,
    sessionTtlMs: config.JUNCTION_SESSION_HOURS * 3_600_000,
    sessionIdleMs: config.JUNCTION_SESSION_IDLE_HOURS * 3_600_000,
    trustProxy: config.JUNCTION_TRUST_PROXY,
    proxyHops: config.JUNCTION_TRUST_PROXY_HOPS,
    webhookRateLimit: config.JUNCTION_WEBHOOK_RATE_LIMIT,
    webhookBacklog: config.JUNCTION_WEBHOOK_BACKLOG,
  };
}

/**
 * A path segment `.` or `..`, also written with percent-escapes (`%2e%2e`, `.%2E`): URL
 * parsing resolves it, so `/hooks/%2e%2e/api/me` would reach `/api/me` — past a proxy
 * that lets only `/hooks/` through. No route of Junction's has such a segment.
 */
const DOT_SEGMENT = /(?:^|\/)(?:%2e|\.){1,2}(?:\/|$)/i;

/** The Node.js request listener serving `app`, refusing dot segments first. */
export function requestListener(app: { fetch: (request: Request) => Response | Promise<Response> }) {
  const listener = getRequestListener(app.fetch);
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    if (DOT_SEGMENT.test(path.split('?')[0]!)) {
      const body = JSON.stringify(new ApiError(404, 'not_found', 'Nothing at this path: it holds a "." or ".." segment').toJSON());
      res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    return listener(req, res);
  };
}

export function createApp(deps: ApiDeps) {
  const app = new OpenAPIHono();

  // Defaults: nosniff, frame-ancestors same origin, no referrer, HSTS, and friends.
  app.use('*', secureHeaders());
  app.use(
    '*',
    bodyLimit({
      maxSize: deps.bodyLimit,
      onError: () => {
        throw new ApiError(413, 'body_too_large', `The request body is larger than the ${deps.bodyLimit} bytes this server accepts`);
      },
    }),
  );

  app.use('*', authorize({ pool: deps.pool, sessionIdleMs: deps.security.sessionIdleMs }));
  // Middleware is mounted on '*' only: routeKey (auth/middleware.ts) takes the first
  // matched route that is not a catch-all as the one that answers.
  app.use('*', refuseUnstorableText());
  app.use('*', refuseDeepJson());

  // 200 when this process can do its work; 503 saying what is wrong when it cannot.
  app.get('/api/health', async (c) => {
    const database = await databaseHealth(deps.pool);
    const worker = deps.workerHealth?.();
    const problems = [
      ...(database.ok ? [] : [database.problem]),
      ...(worker && worker.state !== 'running' ? [`the worker's job runner is ${worker.state} (${worker.lastError ?? 'no reason given'})`] : []),
    ];
    const body = { status: problems.length === 0 ? 'ok' : 'unavailable', ...(problems.length > 0 ? { problems } : {}), database, ...(worker ? { worker } : {}) };
    if (problems.length === 0) return c.json(body, 200);
    c.header('Retry-After', String(RETRY_AFTER_SECONDS));
    return c.json(body, 503);
  });
  app.route('/api', authRoutes(deps));
  app.route('/api/users', userRoutes(deps));
  app.route('/api/api-keys', apiKeyRoutes(deps));
  app.route('/api/audit', auditRoutes(deps));
  app.route('/api', credentialRoutes(deps));
  app.route('/api/workflows', workflowTransferRoutes(deps));
  app.route('/api/workflows', workflowRoutes(deps));
  app.route('/api/workflows', workflowSharingRoutes(deps));
  app.route('/api/workflows', workflowTriggerRoutes(deps));
  app.route('/api/runs', runEventRoutes(deps));
  app.route('/api/runs', runRoutes(deps));
  app.route('/api/expressions', expressionRoutes(deps));
  app.route('/api/node-types', nodeTypeRoutes());
  app.route('/api/variables', variableRoutes(deps));
  app.route('/hooks', hookRoutes(deps));
  app.route('/api/resume', resumeRoutes(deps));
  app.route('/api/docs', docsRoutes());
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (POST /api/api-keys), sent as "Authorization: Bearer <key>"',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'junction_session',
    description: 'The session cookie set by POST /api/auth/sign-in; writes must also send X-CSRF-Token (from GET /api/me)',
  });
  const documentConfig: Parameters<typeof app.getOpenAPI31Document>[0] = {
    openapi: '3.1.0',
    info: {
      title: 'Junction API',
      version: '0.1.0',
      description:
        'Workflows, runs, node types, variables, credentials, users, API keys, the audit log and webhooks of a Junction server. Every route needs an API key or a session, except those marked otherwise; each route says the capability it needs in x-junction-capability.',
    },
    security: [{ apiKey: [] }, { session: [] }],
  };
  app.get('/api/openapi.json', (c) => c.json(withAccessRules(app.getOpenAPI31Document(documentConfig))));

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
    if (isDatabaseUnavailable(error)) {
      // Nothing was done: the caller may send the same request again in a moment.
      log.warn('request refused: the database is unavailable', { method: c.req.method, path: c.req.path, error: describeError(error) });
      c.header('Retry-After', String(RETRY_AFTER_SECONDS));
      return c.json(new ApiError(503, 'database_unavailable', `Junction cannot reach its database right now (${describeUnavailable(error)}); try again in a few seconds`).toJSON(), 503);
    }
    log.error('request failed', { method: c.req.method, path: c.req.path, error: describeError(error) });
    return c.json(new ApiError(500, 'internal_error', 'Something went wrong on the server; the details are in its log').toJSON(), 500);
  });

  return app;
}

export type AppType = ReturnType<typeof createApp>;

type OpenApiDocument = ReturnType<OpenAPIHono['getOpenAPI31Document']>;

/** Each operation says the capability it needs (x-junction-capability), from the one rule table; public ones need no security. */
function withAccessRules(document: OpenApiDocument): OpenApiDocument {
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    const honoPath = path.replace(/\{([^}]+)\}/g, ':$1');
    for (const [method, operation] of Object.entries(operations as Record<string, Record<string, unknown>>)) {
      const rule = RULES[`${method.toUpperCase()} ${honoPath}`];
      if (!rule || typeof operation !== 'object') continue;
      if (rule.public) operation.security = [];
      else operation['x-junction-capability'] = rule.capability ?? 'signed-in';
      if (!rule.public && rule.sessionOnly) operation.security = [{ session: [] }];
    }
  }
  return document;
}

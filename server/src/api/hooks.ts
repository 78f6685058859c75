/**
 * Webhook triggers: `/hooks/<path>` of active workflows. No session or API key here:
 * each trigger's own auth decides (`webhook-auth.ts`), before any run exists. The run is committed before the
 * caller gets an answer; then the caller either gets 202 with the run id at once, or
 * waits for the run and gets its last step's output (202 with the run id if it takes
 * longer than the trigger's timeout — the run goes on).
 */
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { catalogue, normalizeWebhookPath, type Item, type WebhookParams } from '@junction/nodes';
import { isDatabaseUnavailable } from '../db/client.ts';
import { findWebhook, getVersionGraph } from '../db/queries/workflows.ts';
import { insertDeliveredRun, runOutcome, type NewRun } from '../db/queries/runs.ts';
import { FINISHED_RUN_STATUSES, type RunStatus } from '../db/schema.ts';
import type { ApiDeps } from './app.ts';
import { ApiError } from './errors.ts';
import { WebhookGuard } from './webhook-auth.ts';
import { Redactor } from '../vault/redact.ts';
import { assertNotTooDeep, itemsFromBody } from './workflows.ts';

/** Request headers that carry credentials: never stored in run data. */
const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|x-api-key|x-.*-(signature|token|secret|key))$/i;

function readBody(c: Context, text: string): unknown {
  if (text.trim() === '') return undefined;
  const type = c.req.header('content-type') ?? '';
  if (/\bjson\b/i.test(type) || (!type && /^\s*[[{]/.test(text))) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new ApiError(400, 'invalid_json', `The request body is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  if (/application\/x-www-form-urlencoded/i.test(type)) {
    const form: Record<string, string | string[]> = {};
    for (const [key, value] of new URLSearchParams(text)) {
      // Own keys only: `form[key]` would read Object.prototype members ("constructor", "__proto__").
      const existing = Object.hasOwn(form, key) ? form[key] : undefined;
      const next = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
      Object.defineProperty(form, key, { value: next, enumerable: true, writable: true, configurable: true });
    }
    return form;
  }
  return { body: text };
}

function itemsFor(c: Context, params: WebhookParams, body: unknown, secretHeaders: string[]): Item[] {
  if (params.include === 'body') return itemsFromBody(body);
  assertNotTooDeep(body);
  // fromEntries defines own properties: a "__proto__" query name stays data.
  const headers = Object.fromEntries(Object.entries(c.req.header()).filter(([name]) => !SECRET_HEADERS.test(name) && !secretHeaders.includes(name.toLowerCase())));
  const query = Object.fromEntries(new URL(c.req.url).searchParams);
  return [{ json: { body: body ?? null, query, headers, method: c.req.method, path: new URL(c.req.url).pathname } }];
}

/** The answer of a finished run: one item's json, or a list when there are several. */
function answerOf(output: Item[] | null): unknown {
  if (!output || output.length === 0) return {};
  return output.length === 1 ? output[0]!.json : output.map((item) => item.json);
}

const DEFAULT_WEBHOOK_BACKLOG = 200;

export function hookRoutes(deps: ApiDeps) {
  const app = new Hono();
  const guard = new WebhookGuard({ pool: deps.pool, keyring: deps.security.keyring, rateLimit: deps.security.webhookRateLimit });

  app.all('/*', async (c) => {
    // Queries waiting for a connection are served in order: past a backlog, a new request
    // would be answered only after its sender gave up (and sent it again, adding to it).
    // Refused at once, it is sent again when the backlog has gone.
    const backlog = deps.pool.waitingCount;
    if (backlog >= (deps.security.webhookBacklog ?? DEFAULT_WEBHOOK_BACKLOG)) {
      throw new ApiError(503, 'database_unavailable', `Junction's database is behind (${backlog} queries wait for a connection); send the request again in a moment`, {
        headers: { 'Retry-After': '1' },
      });
    }
    let path: string;
    try {
      path = normalizeWebhookPath(decodeURIComponent(c.req.path.replace(/^\/hooks/, '')));
    } catch (error) {
      throw new ApiError(400, 'invalid_path', 'The webhook address is not validly encoded', { cause: error });
    }
    // No webhook path can hold a NUL (they are saved through the API, which refuses it).
    if (path.includes('\0')) throw new ApiError(404, 'unknown_webhook', 'No active workflow listens on this address');
    const registered = await findWebhook(deps.pool, path);
    if (registered.length === 0) throw new ApiError(404, 'unknown_webhook', `No active workflow listens on /hooks/${path}`);
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    const hook = registered.find((row) => row.method === method);
    if (!hook) {
      const allowed = registered.map((row) => row.method).join(', ');
      throw new ApiError(405, 'method_not_allowed', `/hooks/${path} accepts ${allowed}, not ${c.req.method}`, { headers: { Allow: allowed } });
    }
    const graph = await getVersionGraph(deps.db, hook.versionId);
    const node = graph?.nodes.find((n) => n.id === hook.nodeId);
    if (!graph || !node) throw new ApiError(404, 'unknown_webhook', `No active workflow listens on /hooks/${path}`);
    const params = catalogue.get('trigger.webhook')!.params.parse(node.params) as WebhookParams;

    // The signature covers the bytes as sent: read them once, check, then parse.
    const raw = Buffer.from(await c.req.arrayBuffer());
    const admission = await guard.admit(c, path, hook, params, raw);
    // As the trigger step's output is: the run's input is shown to everyone who may read the run.
    const redactor = new Redactor();
    for (const secret of admission.secrets) redactor.add(secret);
    const items: Item[] = redactor.scrub(itemsFor(c, params, readBody(c, raw.toString('utf8')), admission.secretHeaders));
    const waitForEnd = params.respond === 'whenFinished';
    const runId = randomUUID();
    const ended = waitForEnd ? deps.finished.wait(runId, params.responseTimeoutSeconds * 1000) : null;
    const newRun: NewRun = {
      id: runId,
      workflowId: hook.workflowId,
      versionId: hook.versionId,
      triggerNodeId: hook.nodeId,
      mode: 'webhook',
      input: items,
      timeoutSeconds: graph.settings.timeoutSeconds,
      notifyFinish: waitForEnd,
    };
    if (admission.delivery) {
      // The delivery id and the run go in together: a sender retrying after any failure is
      // never refused as a replay, and one re-sending a delivery it got no answer for is
      // told the run it started (200: a storefront retries on 4xx).
      const { id, duplicate } = await insertDeliveredRun(deps.pool, newRun, admission.delivery);
      if (duplicate) return c.json({ runId: id, duplicate: true }, 200);
    } else {
      await deps.enqueuer.enqueue(newRun);
    }
    if (!ended) return c.json({ runId }, 202);

    const notice = await ended;
    // The notification usually carries the answer; when it did not (output too large, or
    // missed during a reconnect) the run row has it.
    let run: { status: string; output: Item[] | null; error: { message?: string } | null } | undefined;
    try {
      run = notice?.complete
        ? { status: notice.status, output: (notice.output as Item[] | undefined) ?? null, error: (notice.error as { message?: string } | undefined) ?? null }
        : await runOutcome(deps.pool, runId);
    } catch (error) {
      // The run is committed: the caller must not send it again, whatever the database does now.
      if (!isDatabaseUnavailable(error)) throw error;
      return c.json({ runId, status: 'running' }, 202);
    }
    if (run?.status === 'succeeded') return c.json(answerOf(run.output) as Record<string, unknown>, 200);
    if (!run || !FINISHED_RUN_STATUSES.includes(run.status as RunStatus)) return c.json({ runId, status: 'running' }, 202);
    // The caller is whoever reached the address: the step's error (a host name inside the
    // network, a line of code) is for the workflow's people, in the run history.
    const message = `The workflow's run ${run.status === 'cancelled' ? 'was cancelled' : 'failed'}; its owner can see why in the run history (run ${runId})`;
    return c.json({ error: { code: `run_${run.status}`, message, runId } }, 500);
  });

  return app;
}

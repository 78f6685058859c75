/**
 * What a webhook request must pass before it may start a run: the per-path rate limit,
 * then its trigger's own auth — a header token, basic auth, or an HMAC-SHA256 signature
 * over the raw body (GitHub, Shopify, Stripe or a custom convention; optionally a signed
 * timestamp within a tolerance, and a delivery id that may be used only once). A request
 * that fails gets 401 and starts no run. The secret comes from the credentials vault.
 * Refusals are logged at a bounded rate (`RefusalLog`): a hostile sender cannot flood the log.
 */
import { createHmac } from 'node:crypto';
import type { Context } from 'hono';
import type pg from 'pg';
import { SIGNATURE_STYLES, WEBHOOK_AUTH_CREDENTIAL_TYPE, type WebhookParams } from '@junction/nodes';
import { sameSecret } from '../auth/tokens.ts';
import { log } from '../log.ts';
import type { Keyring } from '../vault/keyring.ts';
import { pruneWebhookDeliveries } from '../db/queries/webhooks.ts';
import { sealedCredential } from '../db/queries/credentials.ts';
import { openSealed } from '../vault/open.ts';
import { ApiError } from './errors.ts';

/** How long an opened webhook credential is reused, in this process (an edit in this process forgets it at once). */
const CREDENTIAL_TTL_MS = 5_000;
/** Delivery ids are remembered this long: a replay within it is refused. */
const DELIVERY_RETENTION = '7 days';
const PRUNE_EVERY_MS = 10 * 60_000;

const cache = new Map<string, { data: Record<string, string>; type: string; until: number }>();

/** Forgets a cached webhook credential (it was changed or deleted). */
export function forgetWebhookCredential(id: string): void {
  cache.delete(id);
}

const unauthorized = (message: string, headers?: Record<string, string>) => new ApiError(401, 'webhook_unauthorized', message, { headers });

type HmacAuth = Extract<WebhookParams['auth'], { kind: 'hmac' }>;

/** Reads a timestamp header: unix seconds, unix milliseconds or ISO 8601. */
function parseTimestamp(value: string): number | null {
  if (/^\d{1,11}$/.test(value)) return Number(value) * 1000;
  if (/^\d{12,14}$/.test(value)) return Number(value);
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}

function checkFreshness(timestamp: string | undefined, name: string, toleranceSeconds: number): void {
  if (!timestamp) throw unauthorized(`The request has no ${name} timestamp`);
  const at = parseTimestamp(timestamp.trim());
  if (at === null) throw unauthorized(`The ${name} timestamp is not a time`);
  if (Math.abs(Date.now() - at) > toleranceSeconds * 1000) {
    throw unauthorized(`The request's timestamp is more than ${toleranceSeconds} s away from now (stale or replayed)`);
  }
}

const sign = (secret: string, payload: Buffer, encoding: 'hex' | 'base64') => createHmac('sha256', secret).update(payload).digest(encoding);

function verifyHmac(c: Context, auth: HmacAuth, secret: string, raw: Buffer): void {
  const style = SIGNATURE_STYLES[auth.style];
  const header = auth.header ?? style.header;
  const received = c.req.header(header);
  if (!received) throw unauthorized(`The request is not signed: it has no ${header} header`);
  if (auth.style === 'stripe') {
    // Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex> while a secret is being rolled]
    const parts = received.split(',').map((part) => part.trim().split('='));
    const t = parts.find(([k]) => k === 't')?.[1];
    const signatures = parts.filter(([k]) => k === 'v1').map(([, v]) => v ?? '');
    if (!t || signatures.length === 0) throw unauthorized(`${header} is not of the form t=<time>,v1=<signature>`);
    const expected = sign(secret, Buffer.concat([Buffer.from(`${t}.`), raw]), 'hex');
    if (!signatures.some((signature) => sameSecret(signature.toLowerCase(), expected))) throw unauthorized('The signature does not match the request');
    checkFreshness(t, header, auth.toleranceSeconds);
    return;
  }
  const encoding = auth.encoding ?? style.encoding;
  const prefix = auth.prefix ?? style.prefix;
  const timestampHeader = auth.timestampHeader ?? style.timestampHeader;
  const timestamp = timestampHeader ? c.req.header(timestampHeader) : undefined;
  if (timestampHeader && !timestamp) throw unauthorized(`The request has no ${timestampHeader} timestamp`);
  const payload = timestamp ? Buffer.concat([Buffer.from(`${timestamp}.`), raw]) : raw;
  const expected = prefix + sign(secret, payload, encoding);
  const given = received.trim();
  if (!sameSecret(encoding === 'hex' ? given.toLowerCase() : given, encoding === 'hex' ? expected.toLowerCase() : expected)) {
    throw unauthorized('The signature does not match the request');
  }
  if (timestampHeader) checkFreshness(timestamp, timestampHeader, auth.toleranceSeconds);
}

/**
 * Log lines about refused webhook requests: a path's first refusal at once, then at most
 * one line per `everyMs` saying how many more were refused and the last reason — however
 * many a sender sends. A path quiet for a whole interval starts over.
 */
export class RefusalLog {
  private readonly paths = new Map<string, { suppressed: number; reason: string; timer: NodeJS.Timeout }>();
  private readonly everyMs: number;

  constructor(everyMs = 60_000) {
    this.everyMs = everyMs;
  }

  note(path: string, status: number, reason: string): void {
    const key = path.toLowerCase();
    const entry = this.paths.get(key);
    if (entry) {
      entry.suppressed++;
      entry.reason = reason;
      return;
    }
    log.warn('refused a webhook request', { path, status, reason });
    this.paths.set(key, { suppressed: 0, reason, timer: this.later(key, path) });
  }

  private later(key: string, path: string): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const entry = this.paths.get(key);
      if (!entry || entry.suppressed === 0) {
        this.paths.delete(key);
        return;
      }
      log.warn('refused more webhook requests', { path, refused: entry.suppressed, seconds: Math.round(this.everyMs / 1000), lastReason: entry.reason });
      entry.suppressed = 0;
      entry.timer = this.later(key, path);
    }, this.everyMs);
    // A pending summary never keeps the process alive.
    timer.unref();
    return timer;
  }
}

export interface GuardOptions {
  pool: pg.Pool;
  keyring: Keyring;
  /** Requests per second per path in this process; 0: unlimited. */
  rateLimit: number;
}

export interface Admission {
  /** Headers that carried credentials: never stored in run data. */
  secretHeaders: string[];
  /** The secrets the request was checked against: scrubbed wherever else the caller put them. */
  secrets: string[];
  /**
   * The signed request's delivery id, with its scope (`workflowId:nodeId`): taken in the
   * same statement that creates the run (db/queries/runs.ts `insertDeliveredRun`), so a
   * delivery is never marked received without its run, nor run twice.
   */
  delivery?: { scope: string; deliveryId: string };
}

export class WebhookGuard {
  private readonly options: GuardOptions;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly refusals = new RefusalLog();
  private lastPrune = 0;

  constructor(options: GuardOptions) {
    this.options = options;
  }

  /** A token bucket per path (in any case, as paths match): `rateLimit` per second, bursts up to one second's worth. */
  private limit(path: string): void {
    const rate = this.options.rateLimit;
    if (rate <= 0) return;
    const now = performance.now();
    const key = path.toLowerCase();
    const bucket = this.buckets.get(key) ?? { tokens: rate, at: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) throw new ApiError(429, 'rate_limited', `/hooks/${path} takes at most ${rate} requests a second; slow down`, { headers: { 'Retry-After': '1' } });
    bucket.tokens -= 1;
  }

  private async credential(id: string): Promise<{ type: string; data: Record<string, string> } | null> {
    const cached = cache.get(id);
    if (cached && cached.until > Date.now()) return cached;
    const sealed = await sealedCredential(this.options.pool, id);
    if (!sealed) return null;
    const { type, data } = openSealed(this.options.keyring, sealed);
    const entry = { type, data: data as Record<string, string>, until: Date.now() + CREDENTIAL_TTL_MS };
    cache.set(id, entry);
    return entry;
  }

  /** Forgets delivery ids older than the retention, at most every PRUNE_EVERY_MS. */
  private pruneDeliveries(): void {
    if (Date.now() - this.lastPrune <= PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    pruneWebhookDeliveries(this.options.pool, DELIVERY_RETENTION).catch((error: Error) => log.warn('could not prune old webhook delivery ids', { error: error.message }));
  }

  /** Admits the request or throws 429 / 401. */
  async admit(c: Context, path: string, hook: { workflowId: string; nodeId: string }, params: WebhookParams, raw: Buffer): Promise<Admission> {
    const admission: Admission = { secretHeaders: [], secrets: [] };
    const { auth } = params;
    try {
      this.limit(path);
      if (auth.kind === 'none') return admission;
      const credential = params.credential ? await this.credential(params.credential) : null;
      if (!credential || credential.type !== WEBHOOK_AUTH_CREDENTIAL_TYPE[auth.kind]) {
        log.error('a webhook cannot check its requests: its credential is missing or of the wrong type', { path, credential: params.credential });
        throw unauthorized('This webhook cannot check requests right now (its credential is missing); ask its owner');
      }
      const { data } = credential;
      if (auth.kind === 'header') {
        admission.secretHeaders.push(data.name!.toLowerCase());
        admission.secrets.push(data.value!);
        const given = c.req.header(data.name!);
        if (!given || !sameSecret(given, data.value!)) throw unauthorized(`The request lacks the right ${data.name} header`);
        return admission;
      }
      if (auth.kind === 'basic') {
        admission.secrets.push(data.password!);
        const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(c.req.header('authorization') ?? '');
        const pair = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
        const colon = pair.indexOf(':');
        const userOk = colon >= 0 && sameSecret(pair.slice(0, colon), data.username!);
        const passwordOk = colon >= 0 && sameSecret(pair.slice(colon + 1), data.password!);
        if (!userOk || !passwordOk) throw unauthorized('The request lacks the right user name and password', { 'WWW-Authenticate': 'Basic realm="Junction webhook", charset="UTF-8"' });
        return admission;
      }
      const style = SIGNATURE_STYLES[auth.style];
      admission.secretHeaders.push((auth.header ?? style.header).toLowerCase());
      admission.secrets.push(data.secret!);
      verifyHmac(c, auth, data.secret!, raw);
      const deliveryHeader = auth.deliveryIdHeader ?? style.deliveryIdHeader;
      if (deliveryHeader) {
        const deliveryId = c.req.header(deliveryHeader)?.trim();
        if (!deliveryId) throw unauthorized(`The request has no ${deliveryHeader} delivery id`);
        if (deliveryId.length > 200) throw unauthorized(`The ${deliveryHeader} delivery id is longer than 200 characters`);
        this.pruneDeliveries();
        admission.delivery = { scope: `${hook.workflowId}:${hook.nodeId}`, deliveryId };
      }
      return admission;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 429)) this.refusals.note(path, error.status, error.message);
      throw error;
    }
  }
}

/**
 * The storefront: posts webhook deliveries at a steady rate and records, for each, whether
 * Junction acknowledged it (2xx with a run id) or refused it (5xx, 429, a cut connection,
 * no answer in time). A refused delivery is sent again after a back-off, with the same
 * body and delivery id, as a storefront would; one that is refused every time is given up.
 *
 * A signed delivery carries GitHub's headers: X-Hub-Signature-256 (HMAC-SHA256 of the
 * body) and X-GitHub-Delivery (the order id, unique per delivery). A 401 saying the
 * delivery "was received before" answers a retry whose earlier attempt did reach Junction.
 */
import { createHmac } from 'node:crypto';

export type Outcome = 'pending' | 'acknowledged' | 'replay-refused' | 'refused';

export interface Attempt {
  at: number;
  /** HTTP status, or null when there was no answer (connection refused or cut, timeout). */
  status: number | null;
  detail: string;
}

export interface Delivery {
  orderId: string;
  body: string;
  attempts: Attempt[];
  outcome: Outcome;
  /** The run id of the 2xx answer. */
  runId: string | null;
}

export interface LoadOptions {
  /** The API's address (read at each attempt: it may move). */
  apiUrl: string;
  path: string;
  /** Signs deliveries with this secret (GitHub's convention); unsigned without it. */
  secret?: string;
  /** Deliveries per second. */
  rate: number;
  /** What each order says besides its id. */
  body?: (orderId: string, sequence: number) => Record<string, unknown>;
  /** Waits before each retry; as many retries as entries. */
  retryDelaysMs?: number[];
  /** An attempt without an answer by then counts as refused. */
  timeoutMs?: number;
  /** Prefix of the order ids (unique per scenario). */
  prefix: string;
}

const DEFAULT_RETRIES = [500, 1000, 2000, 4000, 8000];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class LoadGenerator {
  readonly deliveries: Delivery[] = [];
  private readonly options: LoadOptions;
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<Delivery>>();
  private sequence = 0;

  constructor(options: LoadOptions) {
    this.options = options;
  }

  /** Starts sending `rate` deliveries a second until `stop()`. */
  start(): void {
    if (this.timer) return;
    const every = 1000 / this.options.rate;
    let due = performance.now();
    this.timer = setInterval(() => {
      // Catch up after a slow tick (a busy machine) instead of drifting below the rate.
      for (let now = performance.now(); due <= now; due += every) void this.deliver();
    }, Math.max(5, Math.floor(every / 2)));
  }

  /** Stops sending new deliveries and waits until every delivery has its outcome. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Sends one new delivery (with retries); `copies` > 1 sends the same delivery that many times at once. */
  deliver(copies = 1): Promise<Delivery[]> {
    const sequence = ++this.sequence;
    const orderId = `${this.options.prefix}-${sequence}`;
    const body = JSON.stringify({ orderId, total: 10 + (sequence % 990), ...this.options.body?.(orderId, sequence) });
    return Promise.all(Array.from({ length: copies }, () => this.track(this.send({ orderId, body, attempts: [], outcome: 'pending', runId: null }))));
  }

  /** Sends an earlier delivery again (same body and delivery id), `copies` times at once, as new deliveries of the ledger. */
  redeliver(original: Delivery, copies: number): Promise<Delivery[]> {
    return Promise.all(Array.from({ length: copies }, () => this.track(this.send({ orderId: original.orderId, body: original.body, attempts: [], outcome: 'pending', runId: null }))));
  }

  private track(sending: Promise<Delivery>): Promise<Delivery> {
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
    return sending;
  }

  private headers(delivery: Delivery): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.secret) {
      headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', this.options.secret).update(delivery.body).digest('hex')}`;
      headers['x-github-delivery'] = delivery.orderId;
    }
    return headers;
  }

  private async send(delivery: Delivery): Promise<Delivery> {
    this.deliveries.push(delivery);
    const retries = this.options.retryDelaysMs ?? DEFAULT_RETRIES;
    for (let attempt = 0; ; attempt++) {
      const result = await this.attempt(delivery);
      delivery.attempts.push(result.attempt);
      if (result.done) {
        delivery.outcome = result.done;
        return delivery;
      }
      if (attempt >= retries.length) {
        delivery.outcome = 'refused';
        return delivery;
      }
      await sleep(retries[attempt]!);
    }
  }

  private async attempt(delivery: Delivery): Promise<{ attempt: Attempt; done: Outcome | null }> {
    const at = Date.now();
    try {
      const response = await fetch(`${this.options.apiUrl}/hooks/${this.options.path}`, {
        method: 'POST',
        headers: this.headers(delivery),
        body: delivery.body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
      const text = await response.text();
      const attempt = { at, status: response.status, detail: text.slice(0, 200) };
      if (response.ok) {
        const runId = (JSON.parse(text) as { runId?: unknown }).runId;
        if (typeof runId !== 'string') return { attempt, done: 'refused' };
        delivery.runId = runId;
        return { attempt, done: 'acknowledged' };
      }
      if (response.status === 401 && text.includes('received before')) return { attempt, done: 'replay-refused' };
      // Junction could not take it now: try again later. Other 4xx: it never will.
      if (response.status >= 500 || response.status === 429) return { attempt, done: null };
      return { attempt, done: 'refused' };
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { attempt: { at, status: null, detail: cause?.code ?? cause?.message ?? (error as Error).message }, done: null };
    }
  }
}

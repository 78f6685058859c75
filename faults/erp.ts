/**
 * The "ERP": a local HTTP server standing for the outside system Junction's HTTP steps
 * act on. It keeps the ledger of external effects: every request, with its
 * `Idempotency-Key`, the order it is about and when it arrived.
 *
 * Like a well-behaved ERP it acts once per idempotency key: the first request with a key
 * is the effect, later ones with the same key are repeats (answered the same, and
 * counted — the runtime promises at-least-once for a step in flight, with the same key).
 * Two different keys for the same order are two effects: that is a duplicate.
 *
 * It can answer slowly (`setDelay`) to keep steps in flight while workers die, and tell
 * the suite when a request arrives or its answer leaves (`onRequest`, `onAnswered`), so a
 * scenario can kill a worker at exactly those moments.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dice } from './random.ts';

export interface LedgerRequest {
  key: string | null;
  orderId: string | null;
  /** Time the whole request had arrived (ms since the epoch). */
  at: number;
  /** Time the answer was written, or null when the caller went away first. */
  answeredAt: number | null;
}

export interface LedgerEntry {
  key: string;
  orderId: string | null;
  requests: LedgerRequest[];
}

type Listener = (request: LedgerRequest) => void;

export class Erp {
  readonly url: string;
  private readonly server: Server;
  private readonly dice: Dice;
  private delay = { min: 0, max: 0 };
  /** Every request, in arrival order. */
  readonly requests: LedgerRequest[] = [];
  /** One entry per idempotency key: its effect and its repeats. */
  readonly ledger = new Map<string, LedgerEntry>();
  private readonly arrivals = new Set<Listener>();
  private readonly answers = new Set<Listener>();

  private constructor(server: Server, url: string, dice: Dice) {
    this.server = server;
    this.url = url;
    this.dice = dice;
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = this.record(req, Buffer.concat(chunks).toString('utf8'));
        const entry = request.key ? this.ledger.get(request.key) : undefined;
        const repeat = entry ? entry.requests.length > 1 : false;
        const wait = this.delay.max > 0 ? this.dice.between(this.delay.min, this.delay.max) : 0;
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ accepted: true, erpOrderId: `erp-${request.key ?? 'no-key'}`, repeat }), () => {
            request.answeredAt = Date.now();
            for (const listener of this.answers) listener(request);
          });
        }, wait);
        for (const listener of this.arrivals) listener(request);
      });
    });
  }

  static async start(dice: Dice): Promise<Erp> {
    const server = createServer();
    // Slow answers must not be cut by Node's own timeouts.
    server.requestTimeout = 0;
    server.headersTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    return new Erp(server, `http://127.0.0.1:${port}`, dice);
  }

  private record(req: IncomingMessage, body: string): LedgerRequest {
    let orderId: string | null = null;
    try {
      const parsed = JSON.parse(body) as { orderId?: unknown };
      if (typeof parsed.orderId === 'string' || typeof parsed.orderId === 'number') orderId = String(parsed.orderId);
    } catch {
      orderId = null; // not JSON: the request still counts, under no order
    }
    const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
    const request: LedgerRequest = { key, orderId, at: Date.now(), answeredAt: null };
    this.requests.push(request);
    if (key) {
      const entry = this.ledger.get(key) ?? { key, orderId, requests: [] };
      entry.requests.push(request);
      this.ledger.set(key, entry);
    }
    return request;
  }

  /** Answers after a random time between `minMs` and `maxMs` (0, 0: at once). */
  setDelay(minMs: number, maxMs: number): void {
    this.delay = { min: minMs, max: Math.max(minMs, maxMs) };
  }

  /** Calls `listener` as each request arrives (before it is answered); returns the way to stop. */
  onRequest(listener: Listener): () => void {
    this.arrivals.add(listener);
    return () => this.arrivals.delete(listener);
  }

  /** Calls `listener` as each answer has been written. */
  onAnswered(listener: Listener): () => void {
    this.answers.add(listener);
    return () => this.answers.delete(listener);
  }

  /** Effects: keys the ERP acted on (the first request of each). */
  get effects(): number {
    return this.ledger.size;
  }

  /** Requests that repeated a key already acted on. */
  get repeats(): number {
    let repeats = 0;
    for (const entry of this.ledger.values()) repeats += entry.requests.length - 1;
    return repeats;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

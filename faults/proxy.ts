/**
 * A TCP proxy between Junction and PostgreSQL that breaks things on purpose. Junction's
 * DATABASE_URL points here; every connection is passed through to PostgreSQL, and each
 * statement may meet one fault, with the probabilities of `FaultRates`:
 *
 * - reset: the connection is reset before the statement reaches PostgreSQL;
 * - stall: the statement is held for `stallMs`, then the connection is reset (a network
 *   that stops answering, then times out);
 * - cut after write: a statement that writes is passed on, and the connection is cut as
 *   soon as PostgreSQL answers, so the client never learns that it committed;
 * - serialization failure: a write outside any transaction is answered with SQLSTATE
 *   40001 by the proxy itself and never reaches PostgreSQL (what a serializable conflict
 *   looks like to the client: nothing happened, try again);
 * - delay: the statement is held for `delayMs`, then passed on.
 *
 * The proxy reads the protocol only as far as it must (pg-wire.ts): the client's
 * messages are grouped into statements (a Query, or Parse/Bind/Execute up to Sync), and
 * the server's ReadyForQuery tells whether a transaction is open.
 */
import { createServer, Socket, type Server } from 'node:net';
import { Dice } from './random.ts';
import { boundStatement, errorResponse, MessageReader, parseMessage, queryText, readyForQuery, transactionStatus, type Message } from './pg-wire.ts';

export interface FaultRates {
  reset: number;
  stall: number;
  stallMs: number;
  cutAfterWrite: number;
  serializationFailure: number;
  delay: number;
  delayMs: number;
}

export const NO_FAULTS: FaultRates = { reset: 0, stall: 0, stallMs: 5000, cutAfterWrite: 0, serializationFailure: 0, delay: 0, delayMs: 200 };

export type FaultKind = 'reset' | 'stall' | 'cutAfterWrite' | 'serializationFailure' | 'delay';

/**
 * Statements that may write. The proxy cannot know for sure without PostgreSQL; this
 * covers Junction's own statements (inserts, updates, its checkpoint CTE) and
 * graphile-worker's functions that take, finish or add jobs.
 */
const WRITES = /\b(insert|update|delete|commit|add_jobs?|get_jobs?|complete_jobs?|fail_jobs?|force_unlock_workers|pg_notify)\b/i;

/** Client messages that belong to a statement still being sent (the extended protocol, up to Sync). */
const EXTENDED = new Set(['P', 'B', 'D', 'E', 'C']);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class FaultProxy {
  readonly port: number;
  private readonly server: Server;
  private readonly connections = new Set<ProxiedConnection>();
  private rates: FaultRates = NO_FAULTS;
  readonly dice: Dice;
  /** Statements passed (or not) and faults injected so far. */
  readonly counts: Record<FaultKind | 'statements' | 'connections' | 'refusedConnections', number> = {
    statements: 0,
    connections: 0,
    refusedConnections: 0,
    reset: 0,
    stall: 0,
    cutAfterWrite: 0,
    serializationFailure: 0,
    delay: 0,
  };

  private readonly target: { host: string; port: number };

  private constructor(server: Server, port: number, dice: Dice, target: { host: string; port: number }) {
    this.server = server;
    this.port = port;
    this.dice = dice;
    this.target = target;
  }

  static async start(target: { host: string; port: number }, dice: Dice): Promise<FaultProxy> {
    const server = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
    const proxy = new FaultProxy(server, port, dice, target);
    server.on('connection', (client) => proxy.accept(client));
    return proxy;
  }

  /** A connection string for `database` that goes through the proxy. */
  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  setFaults(rates: Partial<FaultRates>): void {
    this.rates = { ...NO_FAULTS, ...rates };
  }

  get faults(): FaultRates {
    return this.rates;
  }

  /** Resets every open connection at once (a network blip). */
  cutAll(): void {
    for (const connection of this.connections) connection.reset();
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.counts.connections++;
    const connection = new ProxiedConnection(this, client, this.target);
    this.connections.add(connection);
    connection.closed.then(() => this.connections.delete(connection));
  }

  /** Which fault, if any, a statement meets. */
  draw(write: boolean, canAnswerItself: boolean): FaultKind | null {
    const r = this.dice.next();
    const { reset, stall, cutAfterWrite, serializationFailure, delay } = this.rates;
    let bound = reset;
    if (r < bound) return 'reset';
    if (r < (bound += stall)) return 'stall';
    if (write && r < (bound += cutAfterWrite)) return 'cutAfterWrite';
    if (write && canAnswerItself && r < (bound += serializationFailure)) return 'serializationFailure';
    if (r < (bound += delay)) return 'delay';
    return null;
  }
}

class ProxiedConnection {
  private readonly proxy: FaultProxy;
  private readonly client: Socket;
  private readonly upstream: Socket;
  private readonly fromClient = new MessageReader(true);
  private readonly fromServer = new MessageReader(false);
  /** SSL/GSS requests answered by one untyped byte the server reader must skip. */
  private rawAnswersDue = 0;
  private authenticated = false;
  private transaction = 'I';
  /** Statements sent whose ReadyForQuery has not come back. */
  private inFlight = 0;
  private batch: Message[] = [];
  private readonly prepared = new Map<string, string>();
  /** Statements leave in order: a delayed one holds those behind it. */
  private queue: Promise<void> = Promise.resolve();
  private cutOnAnswer = false;
  private done = false;
  readonly closed: Promise<void>;

  constructor(proxy: FaultProxy, client: Socket, target: { host: string; port: number }) {
    this.proxy = proxy;
    this.client = client;
    this.upstream = new Socket();
    let markClosed!: () => void;
    this.closed = new Promise((resolve) => (markClosed = resolve));
    const close = () => {
      if (this.done) return;
      this.done = true;
      this.client.destroy();
      this.upstream.destroy();
      markClosed();
    };
    this.close = close;
    // Both sides' errors end the pair: they are what this proxy exists to cause.
    client.on('error', close).on('close', close);
    this.upstream.on('error', close).on('close', close);
    client.pause();
    let connected = false;
    this.upstream.connect(target.port, target.host, () => {
      connected = true;
      client.resume();
    });
    this.upstream.once('error', () => {
      if (!connected) proxy.counts.refusedConnections++;
    });
    client.on('data', (chunk: Buffer) => this.fromClientData(chunk));
    this.upstream.on('data', (chunk: Buffer) => this.fromServerData(chunk));
  }

  private readonly close: () => void;

  reset(): void {
    if (this.done) return;
    this.client.resetAndDestroy();
    this.close();
  }

  private fromClientData(chunk: Buffer): void {
    for (const message of this.fromClient.push(chunk)) {
      if (message.type === '') {
        const code = message.bytes.readInt32BE(4);
        if (code === 80877103 || code === 80877104) this.rawAnswersDue++;
        this.send([message]);
        continue;
      }
      if (!this.authenticated) {
        this.send([message]);
        continue;
      }
      this.batch.push(message);
      if (!EXTENDED.has(message.type)) this.statement(this.batch.splice(0));
    }
  }

  private fromServerData(chunk: Buffer): void {
    if (this.cutOnAnswer) {
      // PostgreSQL has answered (and committed); the client must not hear it.
      this.reset();
      return;
    }
    let data = chunk;
    while (this.rawAnswersDue > 0 && data.length > 0) {
      this.rawAnswersDue--;
      data = data.subarray(1);
    }
    for (const message of this.fromServer.push(data)) {
      if (message.type !== 'Z') continue;
      this.authenticated = true;
      this.transaction = transactionStatus(message);
      this.inFlight = Math.max(0, this.inFlight - 1);
    }
    if (!this.done) this.client.write(chunk);
  }

  private send(messages: Message[]): void {
    if (this.done) return;
    this.upstream.write(Buffer.concat(messages.map((message) => message.bytes)));
  }

  /** One statement (or a Sync, Flush, Terminate on its own): passed on, or broken. */
  private statement(messages: Message[]): void {
    const texts: string[] = [];
    let executes = false;
    for (const message of messages) {
      if (message.type === 'Q') {
        texts.push(queryText(message));
        executes = true;
      } else if (message.type === 'P') {
        const { name, text } = parseMessage(message);
        this.prepared.set(name, text);
        texts.push(text);
      } else if (message.type === 'B') {
        texts.push(this.prepared.get(boundStatement(message)) ?? '');
      } else if (message.type === 'E') {
        executes = true;
      }
    }
    const answered = messages.some((message) => message.type === 'Q' || message.type === 'S');
    const forward = () => {
      if (answered) this.inFlight++;
      this.send(messages);
    };
    if (!executes) {
      this.queue = this.queue.then(forward);
      return;
    }
    this.proxy.counts.statements++;
    const write = WRITES.test(texts.join('\n'));
    this.queue = this.queue.then(async () => {
      if (this.done) return;
      // The proxy can stand in for PostgreSQL only when nothing else is on the way and no
      // transaction is open (its answer must be the whole answer), and no statement is
      // being prepared (the client would think it prepared).
      const canAnswerItself = answered && this.inFlight === 0 && this.transaction === 'I' && !messages.some((message) => message.type === 'P');
      const fault = this.proxy.draw(write, canAnswerItself);
      if (fault) this.proxy.counts[fault]++;
      switch (fault) {
        case 'reset':
          return this.reset();
        case 'stall':
          await sleep(this.proxy.faults.stallMs);
          return this.reset();
        case 'cutAfterWrite':
          this.cutOnAnswer = true;
          return forward();
        case 'serializationFailure':
          this.client.write(
            Buffer.concat([errorResponse('40001', 'could not serialize access due to concurrent update (injected by the fault proxy)'), readyForQuery('I')]),
          );
          return;
        case 'delay':
          await sleep(this.proxy.faults.delayMs);
          return forward();
        case null:
          return forward();
      }
    });
  }
}

/**
 * PostgreSQL LISTEN/NOTIFY for the whole process on one dedicated connection: run
 * finished (a waiting webhook answers), run cancelled (a worker aborts the step in
 * flight). Reconnects by itself; a notification missed while disconnected is made up
 * for by the callers' own checks (a waiting webhook re-reads the run; a worker sees
 * `cancel_requested` at its next checkpoint).
 */
import pg from 'pg';
import { log } from '../log.ts';

type Handler = (payload: string) => void;

export class Listener {
  private client: pg.Client | null = null;
  private readonly handlers = new Map<string, Set<Handler>>();
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly connectionString: string;

  constructor(connectionString: string) {
    this.connectionString = connectionString;
  }

  async start(channels: string[]): Promise<void> {
    for (const channel of channels) if (!this.handlers.has(channel)) this.handlers.set(channel, new Set());
    await this.connect();
  }

  /** Calls `handler` with each payload on `channel` until the returned function is called. */
  on(channel: string, handler: Handler): () => void {
    const set = this.handlers.get(channel);
    if (!set) throw new Error(`not listening on ${channel}; pass it to start()`);
    set.add(handler);
    return () => set.delete(handler);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'junction-listener' });
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    client.on('error', (error) => {
      log.warn('notification connection lost; reconnecting', { error: error.message });
      this.scheduleReconnect(client);
    });
    client.on('end', () => this.scheduleReconnect(client));
    await client.connect();
    for (const channel of this.handlers.keys()) await client.query(`listen ${pg.escapeIdentifier(channel)}`);
    this.client = client;
  }

  private scheduleReconnect(failed: pg.Client): void {
    if (this.stopped || this.client !== failed || this.reconnectTimer) return;
    this.client = null;
    failed.end().catch(() => undefined /* already broken: nothing left to close */);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().catch((error: Error) => {
        log.warn('could not reconnect for notifications; trying again', { error: error.message });
        this.client = new pg.Client();
        this.scheduleReconnect(this.client);
      });
    }, 1000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    if (client) await client.end();
  }
}

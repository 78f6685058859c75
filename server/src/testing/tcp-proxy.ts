/**
 * A TCP proxy for tests that need the database to go away: everything Junction says to
 * PostgreSQL passes through it, and the test can cut every connection at once and refuse
 * new ones for a while — what clients see when PostgreSQL restarts — without touching the
 * PostgreSQL the other test files share.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string;
  /** Cuts every open connection (both sides) at once. */
  cutAll(): void;
  /** Cuts every connection and refuses new ones until `restore()` (or for `ms`). */
  down(ms?: number): void;
  restore(): void;
  /** Connections open now. */
  readonly open: number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let refusing = false;
  let timer: NodeJS.Timeout | undefined;
  const server: Server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const cutAll = () => {
    for (const [client, upstream] of [...pairs]) {
      // A reset, as a crashed or restarting server leaves: no orderly goodbye.
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    rewrite(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    cutAll,
    down(ms) {
      refusing = true;
      cutAll();
      clearTimeout(timer);
      if (ms !== undefined) timer = setTimeout(() => (refusing = false), ms);
    },
    restore() {
      clearTimeout(timer);
      refusing = false;
    },
    get open() {
      return pairs.size;
    },
    async close() {
      clearTimeout(timer);
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The one door to other systems: every connection a step or a credential test opens goes
 * through here, and the outbound policy (policy.ts) is checked on the address it
 * actually connects to — the result of its own DNS lookup, at every connection, after
 * every redirect — so a name that resolves to a public address when checked and to
 * 127.0.0.1 when connecting (DNS rebinding) gains nothing. Server only.
 *
 * - `outboundFetch`: fetch (undici) through an agent whose connector checks each address.
 * - `CheckedSocket`: a net.Socket that checks before it connects, for the drivers that
 *   take a socket of ours (pg's `stream`, mysql2's `stream`).
 * - `smtpSocket`: nodemailer's `getSocket` hook, a checked socket per SMTP connection.
 *
 * The process's policy is set once at start from the settings (`configureOutbound`);
 * until then, and without settings, the refused ranges are refused.
 */
import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import net, { type LookupFunction } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch, Headers as UndiciHeaders, type RequestInit, type Response } from 'undici';
import { OutboundPolicy, OutboundRefusedError, type OutboundSettings } from './policy.ts';

let policy = new OutboundPolicy();
let agent: Agent | undefined;

/**
 * Sets the process's policy (the server calls it at start, from JUNCTION_OUTBOUND_ALLOW
 * and JUNCTION_OUTBOUND_DENY). Connections kept open under the previous policy are closed.
 *
 * @example configureOutbound({ allow: '10.20.0.0/16, erp.internal' })
 */
export function configureOutbound(settings: OutboundSettings): void {
  policy = new OutboundPolicy(settings);
  const previous = agent;
  agent = undefined;
  void previous?.close().catch(() => undefined /* closing anyway */);
}

/** The policy in force. */
export const outboundPolicy = (): OutboundPolicy => policy;

const stripBrackets = (host: string) => host.replace(/^\[(.*)\]$/, '$1');

/**
 * A `lookup` for net.connect and tls.connect: the system's resolver, then the policy on
 * every address found. Only allowed addresses are handed on (a name with a public and a
 * private address reaches the public one); none allowed fails with the first refusal.
 */
export function checkedLookup(checked: OutboundPolicy = policy): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      let refused: OutboundRefusedError | undefined;
      const allowed = addresses.filter(({ address }) => {
        const refusal = checked.check(hostname, address);
        if (refusal) refused ??= new OutboundRefusedError(refusal);
        return !refusal;
      });
      if (allowed.length === 0) return callback(refused ?? Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

/**
 * The refusal of a connection to `host` when `host` is an address written out (net.connect
 * looks nothing up for it, so the lookup hook never sees it); undefined for a name or an
 * allowed address.
 */
function literalRefusal(host: string, checked: OutboundPolicy): OutboundRefusedError | undefined {
  const bare = stripBrackets(host);
  if (net.isIP(bare) === 0) return undefined;
  const refusal = checked.check(host, bare);
  return refusal ? new OutboundRefusedError(refusal) : undefined;
}

type ConnectArgs = [options: net.NetConnectOpts, listener?: () => void] | [port: number, host?: string, listener?: () => void] | [path: string, listener?: () => void];

/**
 * A socket that checks the policy before it connects: on the address written out, or on
 * each address its host name resolves to. A refused connection fails with an
 * OutboundRefusedError as its 'error', as a failed connection would; a Unix socket path
 * (this machine) is refused.
 */
export class CheckedSocket extends net.Socket {
  override connect(...args: ConnectArgs | unknown[]): this {
    const [first, second, third] = args as ConnectArgs;
    const listener = [second, third].find((arg): arg is () => void => typeof arg === 'function');
    let options: net.TcpNetConnectOpts;
    if (typeof first === 'object' && first !== null) {
      if ('path' in first && first.path) return this.refuse(new OutboundRefusedError({ host: first.path, address: first.path, reason: 'localSocket' }));
      options = first as net.TcpNetConnectOpts;
    } else if (typeof first === 'string' && !/^\d+$/.test(first)) {
      return this.refuse(new OutboundRefusedError({ host: first, address: first, reason: 'localSocket' }));
    } else {
      options = { port: Number(first), host: typeof second === 'string' ? second : 'localhost' };
    }
    const host = stripBrackets(options.host ?? 'localhost');
    const checked = policy;
    const refused = literalRefusal(host, checked);
    if (refused) return this.refuse(refused);
    return super.connect({ ...options, host, lookup: checkedLookup(checked) }, ...(listener ? [listener] : []));
  }

  private refuse(error: Error): this {
    // As a failed connection fails: after the caller has had the chance to listen for it.
    process.nextTick(() => this.destroy(error));
    return this;
  }
}

/** A checked socket connecting to `host`:`port` (mysql2's `stream` factory). */
export function checkedConnection(port: number, host: string): CheckedSocket {
  const socket = new CheckedSocket();
  socket.setNoDelay(true);
  return socket.connect(port, host);
}

/**
 * nodemailer's `getSocket`: a checked socket for each SMTP connection, handed over once
 * it is connected (nodemailer then starts TLS on it where the credential asks for it).
 */
export function smtpSocket(options: { host?: string; port?: number | string; connectionTimeout?: number }, callback: (error: Error | null, socket?: { connection: net.Socket }) => void): void {
  const socket = new CheckedSocket();
  let settled = false;
  const settle = (error: Error | null) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.removeListener('error', settle);
    if (error) {
      socket.destroy();
      // As nodemailer marks a connection of its own that failed, so the e-mail node words it alike.
      if (!(error instanceof OutboundRefusedError)) Object.assign(error, { command: 'CONN' });
      return callback(error);
    }
    callback(null, { connection: socket });
  };
  const timeoutMs = options.connectionTimeout ?? 120_000;
  const timer = setTimeout(() => settle(Object.assign(new Error(`Connection timeout after ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
  socket.once('error', settle);
  socket.connect(Number(options.port ?? 587), options.host ?? 'localhost', () => settle(null));
}

/** undici's connector, with the policy on the address of every connection it opens. */
function checkedConnector(): buildConnector.connector {
  const checked = policy;
  const connect = buildConnector({ lookup: checkedLookup(checked) } as buildConnector.BuildOptions);
  return (options, callback) => {
    const refused = literalRefusal(options.hostname, checked);
    if (refused) return void callback(refused, null);
    connect(options, callback);
  };
}

/**
 * fetch, with every connection — the first and each redirect's — checked by the policy.
 * A refused one fails as fetch fails, its cause an OutboundRefusedError (see `refusalOf`).
 */
export function outboundFetch(input: string | URL, init: OutboundRequestInit = {}): Promise<Response> {
  agent ??= new Agent({ connect: checkedConnector() });
  let headers: UndiciHeaders | undefined;
  if (init.headers) {
    headers = new UndiciHeaders();
    init.headers.forEach((value, name) => headers!.append(name, value));
  }
  return undiciFetch(input, { ...init, headers, dispatcher: agent });
}

/** fetch's options, with the headers as the nodes build them. */
export type OutboundRequestInit = Omit<RequestInit, 'headers' | 'dispatcher'> & { headers?: Headers };

/** The OutboundRefusedError behind a failed fetch or connection, if that is why it failed. */
export function refusalOf(error: unknown): OutboundRefusedError | undefined {
  for (let cause = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    if (cause instanceof OutboundRefusedError) return cause;
  }
  return undefined;
}

export type { Response as OutboundResponse };

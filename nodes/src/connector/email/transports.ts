/**
 * One pooled nodemailer transport per SMTP credential, kept while e-mail flows: a flow
 * sending 500 e-mails logs in once per connection, not 500 times. A transport is keyed by
 * the credential's id and a hash of its data, so an edited credential (a new password, a
 * new host) takes effect at the next e-mail; the old transport is closed once its e-mails
 * are out. A transport nobody used for `IDLE_MS` is closed; `closeAll()` closes every one
 * when the process stops.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { CredentialValue } from '../../credentials/types.ts';
import { smtpSocket } from '../../outbound/connect.ts';

export type SmtpCredentialValue = Extract<CredentialValue, { type: 'smtp' }>;
export type SmtpTransport = ReturnType<typeof createSmtpTransport>;

/** How long a transport with nothing to send stays open. */
const IDLE_MS = 60_000;

interface Entry {
  key: string;
  credentialId: string;
  transport: SmtpTransport;
  sending: number;
  idle: NodeJS.Timeout | undefined;
  /** Replaced by a newer version of its credential: closed when its last e-mail is out. */
  retired: boolean;
}

const entries = new Map<string, Entry>();

/**
 * How to reach the credential's SMTP server: each connection through the outbound policy
 * (nodemailer's `getSocket`, a socket of ours that checks the address it connects to).
 * The e-mail node's pooled transports and the credential's test use it alike.
 */
export function smtpConnectionOptions(data: SmtpCredentialValue['data']) {
  return {
    host: data.host,
    port: data.port,
    secure: data.security === 'tls',
    requireTLS: data.security === 'starttls',
    ignoreTLS: data.security === 'none',
    auth: data.user ? { user: data.user, pass: data.password ?? '' } : undefined,
    getSocket: smtpSocket,
  };
}

function createSmtpTransport(data: SmtpCredentialValue['data']) {
  return nodemailer.createTransport({
    pool: true,
    ...smtpConnectionOptions(data),
    maxConnections: 3,
    // A connection the server dropped while idle is tried once more on a new one; any
    // other failure is the step's to retry, with its backoff.
    maxRequeues: 1,
    idleTimeout: 30_000,
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 60_000,
    // Messages are built from params alone: never read a file or fetch a URL for them.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  });
}

function keyOf(credential: SmtpCredentialValue): string {
  const digest = createHash('sha256').update(JSON.stringify(credential.data)).digest('hex');
  return `${credential.id}:${digest}`;
}

function close(entry: Entry): void {
  entry.retired = true;
  clearTimeout(entry.idle);
  if (entries.get(entry.key) === entry) entries.delete(entry.key);
  entry.transport.close();
}

function entryFor(credential: SmtpCredentialValue): Entry {
  const key = keyOf(credential);
  const existing = entries.get(key);
  if (existing) return existing;
  for (const other of entries.values()) {
    if (other.credentialId !== credential.id) continue;
    other.retired = true;
    entries.delete(other.key);
    if (other.sending === 0) close(other);
  }
  const entry: Entry = { key, credentialId: credential.id, transport: createSmtpTransport(credential.data), sending: 0, idle: undefined, retired: false };
  entries.set(key, entry);
  return entry;
}

/**
 * Runs `send` with the credential's transport, keeping the transport open meanwhile.
 *
 * @example
 * const info = await withTransport(credential, (transport) => transport.sendMail(message));
 */
export async function withTransport<T>(credential: SmtpCredentialValue, send: (transport: SmtpTransport) => Promise<T>): Promise<T> {
  const entry = entryFor(credential);
  clearTimeout(entry.idle);
  entry.sending++;
  try {
    return await send(entry.transport);
  } finally {
    entry.sending--;
    if (entry.sending === 0) {
      if (entry.retired) close(entry);
      else entry.idle = setTimeout(() => close(entry), IDLE_MS).unref();
    }
  }
}

/** How many transports are open (for tests). */
export function openTransports(): number {
  return entries.size;
}

/**
 * Closes every transport: connections that are idle at once, one in the middle of an
 * e-mail when it is out. Call it when the process stops, after the worker has stopped
 * (no step is sending then); a later e-mail opens a new transport.
 */
export function closeAll(): void {
  for (const entry of [...entries.values()]) close(entry);
}

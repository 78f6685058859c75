/**
 * "Test connection" for every credential type, against the real system: an HTTP
 * request with the credential on it, a token fetch, a database `select version()`, an
 * SMTP handshake with login. The answer's message has the credential's secrets scrubbed
 * out (servers quote what they were sent). Each connects as the nodes do, through the
 * outbound policy: a test reaches no address a step could not.
 */
import { CREDENTIAL_TYPES, type CredentialValue } from '@junction/nodes';
import {
  applyHttpCredential,
  forgetOAuth2Token,
  mysqlConnectionConfig,
  outboundFetch,
  postgresClientConfig,
  refusalOf,
  smtpConnectionOptions,
  type Refusal,
} from '@junction/nodes/server';
import mysql from 'mysql2/promise';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { Redactor } from './redact.ts';

export interface TestResult {
  ok: boolean;
  message: string;
  durationMs: number;
  /** The outbound policy refused the connection: where to, and why (the editor words it in the reader's language). */
  refused?: Refusal;
}

const TIMEOUT_MS = 15_000;

const use = (redactor: Redactor, signal: AbortSignal) => ({
  signal,
  redact: (secret: string) => redactor.add(secret),
  scrub: (text: string, maxChars?: number) => redactor.text(text, maxChars),
});

async function httpCheck(credential: CredentialValue, url: string | undefined, redactor: Redactor, signal: AbortSignal): Promise<string> {
  if (!url) throw new Error('Give an address (url) to test this credential against');
  const target = new URL(url);
  const headers = new Headers();
  await applyHttpCredential(credential, target, headers, use(redactor, signal));
  const response = await outboundFetch(target, { headers, signal, redirect: 'manual' });
  await response.body?.cancel();
  if (response.status >= 200 && response.status < 400) return `GET ${target.host}${target.pathname} answered ${response.status}`;
  throw new Error(`GET ${target.host}${target.pathname} answered ${response.status} ${response.statusText}`.trim());
}

async function check(credential: CredentialValue, url: string | undefined, redactor: Redactor, signal: AbortSignal): Promise<string> {
  switch (credential.type) {
    case 'httpHeader':
    case 'httpBearer':
    case 'httpBasic':
      return httpCheck(credential, url, redactor, signal);
    case 'oauth2ClientCredentials': {
      forgetOAuth2Token(credential);
      if (url) return `Got an access token; ${await httpCheck(credential, url, redactor, signal)}`;
      const headers = new Headers();
      await applyHttpCredential(credential, new URL(credential.data.tokenUrl), headers, use(redactor, signal));
      return `Got an access token from ${new URL(credential.data.tokenUrl).host}`;
    }
    case 'postgres': {
      const { data } = credential;
      const client = new pg.Client(postgresClientConfig(data, TIMEOUT_MS));
      client.on('error', () => undefined /* reported by the query that fails */);
      try {
        await client.connect();
        const result = await client.query<{ version: string }>('select version()');
        return `Connected to ${data.host}:${data.port}/${data.database}: ${result.rows[0]!.version.split(',')[0]}`;
      } finally {
        await client.end().catch(() => undefined /* already closed */);
      }
    }
    case 'mysql': {
      const { data } = credential;
      const connection = await mysql.createConnection(mysqlConnectionConfig(data, TIMEOUT_MS));
      try {
        const [rows] = await connection.query<mysql.RowDataPacket[]>('select version() as version');
        return `Connected to ${data.host}:${data.port}${data.database ? `/${data.database}` : ''}: ${rows[0]!.version}`;
      } finally {
        await connection.end().catch(() => undefined /* already closed */);
      }
    }
    case 'smtp': {
      const { data } = credential;
      const transport = nodemailer.createTransport({
        ...smtpConnectionOptions(data),
        connectionTimeout: TIMEOUT_MS,
        greetingTimeout: TIMEOUT_MS,
      });
      try {
        await transport.verify();
        return `${data.host}:${data.port} accepted the connection${data.user ? ' and the login' : ''}`;
      } finally {
        transport.close();
      }
    }
    case 'hmacSecret':
      return 'Nothing to connect to: incoming webhooks are checked against this secret when they arrive';
  }
}

/** Tries the credential; never throws for a failed connection (that is the answer). */
export async function testConnection(credential: CredentialValue, url?: string): Promise<TestResult> {
  const redactor = new Redactor();
  for (const field of CREDENTIAL_TYPES[credential.type].secretFields) {
    const value = (credential.data as Record<string, unknown>)[field];
    if (typeof value === 'string') redactor.add(value);
  }
  const started = performance.now();
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  try {
    const message = await check(credential, url, redactor, signal);
    return { ok: true, message: redactor.text(message), durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    const refused = refusalOf(error);
    const text = refused ? refused.message : signal.aborted ? `No answer within ${TIMEOUT_MS / 1000} s` : (error as Error).message || String(error);
    return { ok: false, message: redactor.text(text), durationMs: Math.round(performance.now() - started), ...(refused ? { refused: refused.refusal } : {}) };
  }
}

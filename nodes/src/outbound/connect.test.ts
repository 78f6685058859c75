/**
 * The outbound policy on real connections: the HTTP node, the poll's HTTP and SQL sources,
 * the database nodes and the e-mail node, against servers on loopback that count what
 * reaches them. Loopback is what the default refuses, so these tests run under the
 * default policy (the other tests allow loopback: vitest.config.ts) and under settings
 * of their own; every refused connection is refused before a packet leaves.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { definition as httpDefinition } from '../connector/http/definition.ts';
import { run as httpRun } from '../connector/http/run.ts';
import { definition as emailDefinition } from '../connector/email/definition.ts';
import { run as emailRun } from '../connector/email/run.ts';
import { startSmtpServer, type TestSmtpServer } from '../connector/email/smtp-test-server.ts';
import { closeAll as closeEmailTransports } from '../connector/email/transports.ts';
import { closeSqlPools } from '../connector/sql/pools.ts';
import { querySql } from '../connector/sql/sessions.ts';
import { credentialId, mariadbAnswers, mysqlCredential } from '../connector/sql/testing.ts';
import { definition as pollDefinition } from '../trigger/poll/definition.ts';
import { poll } from '../trigger/poll/run.ts';
import { NodeError } from '../sdk/errors.ts';
import { allItemsContext, itemContext } from '../sdk/testing.ts';
import { Redactor } from '../sdk/redact.ts';
import { configureOutbound } from './connect.ts';
import { OutboundRefusedError } from './policy.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

/** Where the servers listen, and what reached each. */
let erp: Server;
let api: Server;
const reached: { server: string; url: string }[] = [];
let erpPort = 0;
let apiPort = 0;
let smtp: TestSmtpServer;

function listen(name: string, host: string, handler: (req: IncomingMessage) => { status: number; location?: string }): Promise<[Server, number]> {
  const server = createServer((req, res) => {
    reached.push({ server: name, url: req.url ?? '' });
    const { status, location } = handler(req);
    res.writeHead(status, { 'content-type': 'application/json', ...(location ? { location } : {}) });
    res.end(JSON.stringify({ ok: true, from: name }));
  });
  return new Promise((resolve) => server.listen(0, host, () => resolve([server, (server.address() as AddressInfo).port])));
}

beforeAll(async () => {
  // "Junction's own API" on 127.0.0.1; an allowed "ERP" on 127.0.0.2 that redirects into it when asked.
  [api, apiPort] = await listen('api', '127.0.0.1', () => ({ status: 200 }));
  [erp, erpPort] = await listen('erp', '127.0.0.2', (req) => {
    if (req.url === '/to-api') return { status: 302, location: `http://127.0.0.1:${apiPort}/api/credentials` };
    if (req.url === '/to-api-v6') return { status: 307, location: `http://[::ffff:127.0.0.1]:${apiPort}/api/credentials` };
    return { status: 200 };
  });
  smtp = await startSmtpServer();
});

afterEach(() => {
  reached.length = 0;
  // Back to what every other test runs with.
  configureOutbound({ allow: process.env.JUNCTION_OUTBOUND_ALLOW });
});

afterAll(async () => {
  closeEmailTransports();
  await closeSqlPools();
  await smtp?.close();
  for (const server of [erp, api]) {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }
});

/** The error the HTTP node fails with on `url`; fails the test when it does not fail. */
async function httpFailure(url: string): Promise<OutboundRefusedError> {
  const error = await Promise.resolve()
    .then(() => httpRun(itemContext(httpDefinition, { url }, { json: {} })))
    .then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
  expect(error, `expected ${url} to be refused`).toBeInstanceOf(OutboundRefusedError);
  return error as OutboundRefusedError;
}

const httpCall = async (url: string) => (await httpRun(itemContext(httpDefinition, { url }, { json: {} }))).main![0]!.json;

describe('connector.http under the default policy', () => {
  it.each([
    ['127.0.0.1', (port: number) => `http://127.0.0.1:${port}/api/credentials`, '127.0.0.1'],
    ['127.1', (port: number) => `http://127.1:${port}/api/credentials`, '127.0.0.1'],
    ['2130706433', (port: number) => `http://2130706433:${port}/api/credentials`, '127.0.0.1'],
    ['0x7f.0.0.1', (port: number) => `http://0x7f.0.0.1:${port}/api/credentials`, '127.0.0.1'],
    ['[::ffff:127.0.0.1]', (port: number) => `http://[::ffff:127.0.0.1]:${port}/api/credentials`, '::ffff:7f00:1'],
    ['[::1]', (port: number) => `http://[::1]:${port}/api/credentials`, '::1'],
    ['0.0.0.0', (port: number) => `http://0.0.0.0:${port}/api/credentials`, '0.0.0.0'],
    ['localhost (a name that resolves to loopback)', (port: number) => `http://localhost:${port}/api/credentials`, '127.0.0.1'],
  ])('refuses %s before connecting, saying which address and what to change', async (_form, url, address) => {
    configureOutbound({});
    const error = await httpFailure(url(apiPort));
    expect(error.refusal.address).toBe(address);
    expect(error.message).toMatch(/^Junction does not connect to .*(loopback|"any address")/);
    expect(error.message).toContain(address);
    expect(error.details).toMatchObject({ outbound: { address }, request: { method: 'GET', url: expect.stringContaining('/api/credentials') } });
    expect(reached).toEqual([]);
  });

  it('checks every redirect: an allowed system cannot send the call on to this server', async () => {
    configureOutbound({ allow: '127.0.0.2' });
    expect(await httpCall(`http://127.0.0.2:${erpPort}/plain`)).toMatchObject({ status: 200, body: { from: 'erp' } });

    for (const path of ['/to-api', '/to-api-v6']) {
      const error = await httpFailure(`http://127.0.0.2:${erpPort}${path}`);
      expect(error.redirectedFrom).toBe(`127.0.0.2:${erpPort}`);
      expect(error.refusal.reason).toBe('loopback');
      expect(error.message).toMatch(new RegExp(`^127\\.0\\.0\\.2:${erpPort} redirected to (127\\.0\\.0\\.1|::ffff:7f00:1), and Junction does not connect to `));
    }
    // The ERP was called; the API behind the redirect never was.
    expect(reached.map((r) => r.server)).toEqual(['erp', 'erp', 'erp']);
  });

  it('reaches what JUNCTION_OUTBOUND_ALLOW allows, by address or by name, and nothing JUNCTION_OUTBOUND_DENY refuses', async () => {
    configureOutbound({ allow: '127.0.0.1' });
    expect(await httpCall(`http://127.0.0.1:${apiPort}/x`)).toMatchObject({ status: 200 });
    // The IPv4-mapped spelling of an allowed address is the same destination.
    expect(await httpCall(`http://[::ffff:127.0.0.1]:${apiPort}/x`)).toMatchObject({ status: 200 });
    expect((await httpFailure(`http://127.0.0.2:${erpPort}/x`)).refusal.reason).toBe('loopback');

    configureOutbound({ allow: 'localhost' });
    expect(await httpCall(`http://localhost:${apiPort}/x`)).toMatchObject({ status: 200 });
    expect((await httpFailure(`http://127.0.0.1:${apiPort}/x`)).refusal.reason).toBe('loopback');

    configureOutbound({ allow: '127.0.0.0/8', deny: '127.0.0.1' });
    const denied = await httpFailure(`http://localhost:${apiPort}/x`);
    expect(denied.refusal).toEqual({ host: 'localhost', address: '127.0.0.1', reason: 'denied', rule: '127.0.0.1' });
    expect(denied.message).toBe('Junction does not connect to localhost (127.0.0.1): the setting JUNCTION_OUTBOUND_DENY refuses it (127.0.0.1). An administrator can change that setting.');
    expect(await httpCall(`http://127.0.0.2:${erpPort}/x`)).toMatchObject({ status: 200 });
    expect(reached.map((r) => r.server)).toEqual(['api', 'api', 'api', 'erp']);
  });
});

describe('trigger.poll under the default policy', () => {
  it('refuses an HTTP source on loopback', async () => {
    configureOutbound({});
    const redactor = new Redactor();
    const params = pollDefinition.params.parse({ source: { kind: 'http', url: `http://127.0.0.1:${apiPort}/api/runs` } });
    const error = await poll({
      params,
      node: { id: 'p', name: 'Poll', type: 'trigger.poll' },
      credentials: {},
      signal: AbortSignal.timeout(5000),
      timezone: 'UTC',
      redact: (secret) => redactor.add(secret),
      scrub: (text, maxChars) => redactor.text(text, maxChars),
    }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OutboundRefusedError);
    expect(reached).toEqual([]);
  });
});

describe('the database nodes under the default policy', () => {
  const postgres = () => {
    const url = new URL(inject('adminDatabaseUrl'));
    return { id: credentialId(), type: 'postgres' as const, data: { host: url.hostname, port: Number(url.port || 5432), database: 'postgres', user: decodeURIComponent(url.username) || 'postgres', password: url.password || undefined, ssl: 'disable' as const } };
  };

  it('refuse PostgreSQL on loopback, and reach it once allowed', async () => {
    configureOutbound({});
    const refused = await querySql(postgres(), 'select 1 as one').catch((thrown: unknown) => thrown);
    expect(refused).toBeInstanceOf(OutboundRefusedError);
    expect((refused as Error).message).toMatch(/^Junction does not connect to 127\.0\.0\.1: that is this server itself \(loopback\)/);
    const localhost = await querySql({ ...postgres(), data: { ...postgres().data, host: 'localhost' } }, 'select 1').catch((thrown: unknown) => thrown);
    expect((localhost as OutboundRefusedError).refusal).toMatchObject({ host: 'localhost', reason: 'loopback' });

    configureOutbound({ allow: '127.0.0.1' });
    expect((await querySql(postgres(), 'select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('refuse MariaDB on loopback, and reach it once allowed', async (context) => {
    if (!(await mariadbAnswers())) return context.skip();
    configureOutbound({});
    const refused = await querySql(mysqlCredential(), 'select 1 as one').catch((thrown: unknown) => thrown);
    expect(refused).toBeInstanceOf(OutboundRefusedError);
    expect((refused as Error).message).toMatch(/^Junction does not connect to 127\.0\.0\.1: /);

    configureOutbound({ allow: '127.0.0.0/8' });
    expect((await querySql(mysqlCredential(), 'select 1 as one')).rows).toEqual([{ one: 1 }]);
  });
});

describe('connector.email under the default policy', () => {
  it('refuses an SMTP server on loopback, and reaches it once allowed', async () => {
    const send = (id: string) =>
      emailRun(
        allItemsContext(emailDefinition, { credential: id, to: 'anna@shop.example', subject: 'Order', text: 'Thanks' }, [{ json: {} }], {
          credentials: { credential: { id, type: 'smtp', data: { host: 'localhost', port: smtp.port, security: 'none', from: 'orders@tea.example' } } },
        }),
      );
    configureOutbound({});
    const refused = await Promise.resolve(send('6f1b7a52-0d7c-4f0c-9f53-3a3c2f1f7e01')).catch((thrown: unknown) => thrown);
    expect(refused).toBeInstanceOf(OutboundRefusedError);
    expect((refused as OutboundRefusedError).refusal).toMatchObject({ host: 'localhost', reason: 'loopback' });
    expect(smtp.connections).toBe(0);

    configureOutbound({ allow: 'localhost' });
    await send('6f1b7a52-0d7c-4f0c-9f53-3a3c2f1f7e02');
    expect(smtp.received.map((mail) => mail.envelope.to)).toEqual([['anna@shop.example']]);
  });
});

describe('errors that are no refusal', () => {
  it('stay what they were: a port nothing listens on is still a connection refused', async () => {
    configureOutbound({ allow: '127.0.0.1' });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await Promise.resolve(httpRun(itemContext(httpDefinition, { url: `http://127.0.0.1:${port}/` }, { json: {} }))).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(NodeError);
    expect(error).not.toBeInstanceOf(OutboundRefusedError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });
});

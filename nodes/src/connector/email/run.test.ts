import { createServer, type AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialValue } from '../../credentials/types.ts';
import { NodeError, NonRetriableError, type Item, type PortItems } from '../../sdk/index.ts';
import { allItemsContext, type TestContextOptions } from '../../sdk/testing.ts';
import { definition } from './definition.ts';
import { run } from './run.ts';
import { startSmtpServer, type TestSmtpServer } from './smtp-test-server.ts';
import { closeAll, openTransports } from './transports.ts';

const PASSWORD = 'smtp-secret-5d1f0c';
let server: TestSmtpServer;

beforeAll(async () => {
  server = await startSmtpServer({
    login: { user: 'mailer', password: PASSWORD },
    refuse: {
      'nobody@shop.example': { code: 550, message: '5.1.1 No such user here' },
      'later@shop.example': { code: 451, message: '4.3.0 Mailbox busy, try again later' },
    },
  });
});

afterEach(() => {
  server.received.length = 0;
});

afterAll(async () => {
  closeAll();
  await server?.close();
});

let credentials = 0;
function smtp(data: Partial<Extract<CredentialValue, { type: 'smtp' }>['data']> = {}, id = `00000000-0000-4000-8000-${String(++credentials).padStart(12, '0')}`): CredentialValue {
  return { id, type: 'smtp', data: { host: '127.0.0.1', port: server.port, security: 'none', user: 'mailer', password: PASSWORD, from: 'orders@taipei-tea.example', ...data } };
}

const CREDENTIAL_ID = '6f1b7a52-0d7c-4f0c-9f53-3a3c2f1f7e10';
const base = { credential: CREDENTIAL_ID, to: 'anna@shop.example', subject: 'Your order', text: 'Thank you!' };

async function send(params: Record<string, unknown>, items: Item[] = [{ json: {} }], options: TestContextOptions & { credential?: CredentialValue } = {}): Promise<PortItems> {
  const { credential = smtp(), ...rest } = options;
  return await run(allItemsContext(definition, { ...base, ...params }, items, { credentials: { credential }, idempotencyKey: 'run-1:mail', ...rest }));
}

async function failure(promise: Promise<unknown>): Promise<NodeError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error, 'expected the send to fail').toBeInstanceOf(NodeError);
  return error as NodeError;
}

describe('connector.email sends', () => {
  it('an e-mail as written: envelope, headers, subject, text, HTML and attachments', async () => {
    const csv = 'sku,qty\nTEA-01,3\n烏龍茶,2\n';
    const pdf = Buffer.from('%PDF-1.4 a tiny file\n');
    const output = await send({
      from: '台北茶行 <orders@taipei-tea.example>',
      to: 'Anna Lin <anna@shop.example>, "Wu, Ben" <ben@shop.example>',
      cc: ['ops@shop.example'],
      bcc: 'audit@taipei-tea.example',
      replyTo: 'service@taipei-tea.example',
      subject: '訂單 #1001 已出貨',
      text: 'Your order has shipped.',
      html: '<p>Your order has <b>shipped</b>.</p>',
      attachments: [
        { filename: 'order-1001.csv', content: csv },
        { filename: 'invoice.pdf', content: pdf.toString('base64'), encoding: 'base64' },
        { filename: 'notes.dat', content: 'plain', contentType: 'text/plain' },
      ],
    });

    expect(server.received).toHaveLength(1);
    const [mail] = server.received;
    expect(mail!.user).toBe('mailer');
    expect(mail!.envelope).toEqual({ from: 'orders@taipei-tea.example', to: ['anna@shop.example', 'ben@shop.example', 'ops@shop.example', 'audit@taipei-tea.example'] });
    const parsed = mail!.parsed;
    expect(parsed.from?.value).toEqual([{ name: '台北茶行', address: 'orders@taipei-tea.example' }]);
    expect(parsed.to).toMatchObject({ value: [{ name: 'Anna Lin', address: 'anna@shop.example' }, { name: 'Wu, Ben', address: 'ben@shop.example' }] });
    expect(parsed.cc).toMatchObject({ value: [{ address: 'ops@shop.example' }] });
    expect(parsed.headers.has('bcc')).toBe(false); // blind copies travel in the envelope only
    expect(parsed.replyTo).toMatchObject({ value: [{ address: 'service@taipei-tea.example' }] });
    expect(parsed.subject).toBe('訂單 #1001 已出貨');
    expect(parsed.text?.trim()).toBe('Your order has shipped.');
    expect(parsed.html).toContain('<b>shipped</b>');
    expect(parsed.headers.get('x-idempotency-key')).toBe('run-1:mail');

    const files = parsed.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content.toString('utf8') }));
    expect(files).toEqual([
      { filename: 'order-1001.csv', contentType: 'text/csv', content: csv },
      { filename: 'invoice.pdf', contentType: 'application/pdf', content: pdf.toString('utf8') },
      { filename: 'notes.dat', contentType: 'text/plain', content: 'plain' },
    ]);
    expect(mail!.raw).toMatch(/Content-Type: text\/csv; charset=utf-8; name=order-1001\.csv/i);

    expect(output).toEqual({
      main: [
        {
          json: {
            messageId: parsed.messageId,
            accepted: ['anna@shop.example', 'ben@shop.example', 'ops@shop.example', 'audit@taipei-tea.example'],
            rejected: [],
            envelope: mail!.envelope,
            response: expect.stringContaining('250'),
          },
          pairedItem: 0,
        },
      ],
    });
    expect(JSON.stringify(output)).not.toContain(PASSWORD);
  });

  it("from the credential's default sender when the node names none", async () => {
    await send({});
    expect(server.received[0]!.parsed.from?.value).toEqual([{ name: '', address: 'orders@taipei-tea.example' }]);
    const error = await failure(send({}, undefined, { credential: smtp({ from: undefined }) }));
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.message).toBe('Give a sender (From), or a default sender in the SMTP credential');
  });

  it('one e-mail per item, each with its own params and idempotency key', async () => {
    const items = [{ json: { email: 'a@shop.example' } }, { json: { email: 'b@shop.example' } }, { json: { email: 'c@shop.example' } }];
    const itemParams = items.map((item, i) => ({ ...base, to: item.json.email, subject: `Order ${i + 1}` }));
    const output = await send({}, items, { itemParams });
    expect(server.received.map((m) => [m.envelope.to, m.parsed.subject, m.parsed.headers.get('x-idempotency-key')])).toEqual([
      [['a@shop.example'], 'Order 1', 'run-1:mail:0'],
      [['b@shop.example'], 'Order 2', 'run-1:mail:1'],
      [['c@shop.example'], 'Order 3', 'run-1:mail:2'],
    ]);
    expect(output.main!.map((item) => [item.json.accepted, item.pairedItem])).toEqual([
      [['a@shop.example'], 0],
      [['b@shop.example'], 1],
      [['c@shop.example'], 2],
    ]);
    const ids = server.received.map((m) => m.parsed.messageId);
    expect(new Set(ids).size).toBe(3);
  });

  it('one e-mail for all items, with the params resolved once', async () => {
    const items = [{ json: { sku: 'A' } }, { json: { sku: 'B' } }];
    const output = await send({ mode: 'once', subject: 'Daily summary', html: '<table><tr><td>A</td></tr><tr><td>B</td></tr></table>' }, items, {
      // What the per-item params would be is not asked for in this mode.
      itemParams: [{ ...base, to: 'x@shop.example' }, { ...base, to: 'y@shop.example' }],
    });
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.envelope.to).toEqual(['anna@shop.example']);
    expect(server.received[0]!.parsed.headers.get('x-idempotency-key')).toBe('run-1:mail');
    expect(output.main).toEqual([{ json: expect.objectContaining({ accepted: ['anna@shop.example'] }), pairedItem: [0, 1] }]);
  });

  it('the same Message-ID on every try of the same e-mail, so a receiver can drop the repeat', async () => {
    await send({});
    await send({});
    await send({}, undefined, { idempotencyKey: 'run-2:mail' });
    const [first, again, other] = server.received.map((m) => m.parsed.messageId);
    expect(first).toMatch(/^<[0-9a-f]{32}\.junction@taipei-tea\.example>$/);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });

  it('through one pooled transport per credential, replaced when the credential changes', async () => {
    closeAll();
    const before = server.connections;
    const credential = smtp({}, CREDENTIAL_ID);
    await send({}, undefined, { credential });
    await send({}, undefined, { credential });
    await send({}, undefined, { credential });
    expect(openTransports()).toBe(1);
    expect(server.connections - before).toBe(1); // logged in once, three e-mails

    // An edited credential takes effect at once; the old transport goes.
    await send({}, undefined, { credential: smtp({ from: 'shop@taipei-tea.example' }, CREDENTIAL_ID) });
    expect(openTransports()).toBe(1);
    expect(server.connections - before).toBe(2);
    expect(server.received.at(-1)!.parsed.from?.value[0]?.address).toBe('shop@taipei-tea.example');

    closeAll();
    expect(openTransports()).toBe(0);
    await send({}, undefined, { credential }); // and a later e-mail opens a new one
    expect(server.received).toHaveLength(5);
  });
});

describe('connector.email fails in plain words', () => {
  it('authentication failed, without quoting the password', async () => {
    const wrong = 'wrong-password-81c2';
    const error = await failure(send({}, undefined, { credential: smtp({ password: wrong }) }));
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.message).toMatch(/^Authentication failed: the mail server 127\.0\.0\.1:\d+ refused the login of "mailer" \(535 Authentication credentials invalid\); check the user name and password in the SMTP credential$/);
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(wrong);
    expect(server.received).toHaveLength(0);
  });

  it('a server that wants a login the credential does not have', async () => {
    const error = await failure(send({}, undefined, { credential: smtp({ user: undefined, password: undefined }) }));
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.message).toMatch(/wants a login first \(530 .*\); give a user name and password in the SMTP credential$/);
  });

  it('a refused recipient (550): not retried, naming the address and the reply', async () => {
    const error = await failure(send({ to: 'nobody@shop.example' }));
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.message).toMatch(/^The mail server 127\.0\.0\.1:\d+ refused the recipient nobody@shop\.example \(550 5\.1\.1 No such user here\)$/);
    expect(error.details).toMatchObject({ responseCode: 550, recipients: [{ address: 'nobody@shop.example', responseCode: 550 }] });
  });

  it('a recipient turned down for now (451): retried', async () => {
    const error = await failure(send({ to: 'later@shop.example' }));
    expect(error).not.toBeInstanceOf(NonRetriableError);
    expect(error.message).toMatch(/turned down the recipient later@shop\.example \(451 4\.3\.0 Mailbox busy, try again later\) for now/);
  });

  it('some recipients refused, the others reached: sent, saying who did not get it', async () => {
    const output = await send({ to: 'anna@shop.example, nobody@shop.example' });
    expect(server.received[0]!.envelope.to).toEqual(['anna@shop.example']);
    expect(output.main![0]!.json).toMatchObject({
      accepted: ['anna@shop.example'],
      rejected: ['nobody@shop.example'],
      rejectedReplies: { 'nobody@shop.example': '550 5.1.1 No such user here' },
    });
  });

  it('an unreachable server (a closed port): retried', async () => {
    const closed = await closedPort();
    const error = await failure(send({}, undefined, { credential: smtp({ port: closed }) }));
    expect(error).not.toBeInstanceOf(NonRetriableError);
    expect(error.message).toBe(`Could not reach the mail server 127.0.0.1:${closed}: nothing answers on that port (is the mail server running, and are the host and port right?)`);
    expect(error.details).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('an unknown host: retried', async () => {
    const error = await failure(send({}, undefined, { credential: smtp({ host: 'no-such-host.invalid' }) }));
    expect(error).not.toBeInstanceOf(NonRetriableError);
    expect(error.message).toMatch(/^Could not reach the mail server no-such-host\.invalid:\d+: (there is no such host name|the host name could not be looked up just now)/);
  });

  it('a TLS problem: a certificate that is not trusted, or no TLS where the credential says TLS', async () => {
    const tls = await startSmtpServer({ server: { disabledCommands: [] } }); // STARTTLS with smtp-server's own test certificate
    try {
      const untrusted = await failure(send({}, undefined, { credential: smtp({ port: tls.port, security: 'starttls', user: undefined, password: undefined }) }));
      expect(untrusted).toBeInstanceOf(NonRetriableError);
      expect(untrusted.message).toMatch(/^TLS problem with the mail server 127\.0\.0\.1:\d+: the mail server('s certificate| uses a self-signed certificate)/);
    } finally {
      closeAll();
      await tls.close();
    }
    const plain = await failure(send({}, undefined, { credential: smtp({ security: 'tls' }) }));
    expect(plain).toBeInstanceOf(NonRetriableError);
    expect(plain.message).toMatch(/^TLS problem with the mail server 127\.0\.0\.1:\d+: it does not speak TLS the way the SMTP credential says/);
    const noStartTls = await failure(send({}, undefined, { credential: smtp({ security: 'starttls' }) }));
    expect(noStartTls).toBeInstanceOf(NonRetriableError);
    expect(noStartTls.message).toMatch(/^TLS problem with the mail server 127\.0\.0\.1:\d+: STARTTLS failed \(5\d\d .*\); the server may not offer STARTTLS/);
    expect(server.received).toHaveLength(0);
  });

  it('a message too large for the server: not retried', async () => {
    const small = await startSmtpServer({ size: 10_000 });
    try {
      const error = await failure(
        send({ attachments: [{ filename: 'big.csv', content: 'x'.repeat(40_000) }] }, undefined, { credential: smtp({ port: small.port, user: undefined, password: undefined }) }),
      );
      expect(error).toBeInstanceOf(NonRetriableError);
      expect(error.message).toMatch(/refused the message as too large \(552 5\.3\.4 .*\); its bodies and attachments come to 40 KB/);
      expect(small.received).toHaveLength(0);
    } finally {
      closeAll();
      await small.close();
    }
  });

  it('gives up after the timeout, and stops when the step is aborted', async () => {
    const slow = await startSmtpServer({ stallMs: 3000 });
    const credential = smtp({ port: slow.port, user: undefined, password: undefined });
    try {
      const started = Date.now();
      const error = await failure(send({ timeoutSeconds: 1 }, undefined, { credential }));
      expect(error).not.toBeInstanceOf(NonRetriableError);
      expect(error.message).toBe(`No answer from the mail server 127.0.0.1:${slow.port} within 1 s`);
      expect(Date.now() - started).toBeLessThan(2500);

      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('cancelled by the user')), 200);
      const aborted = await send({}, undefined, { credential, signal: controller.signal }).catch((thrown: unknown) => thrown);
      expect(aborted).toEqual(new Error('cancelled by the user'));
    } finally {
      closeAll();
      await slow.close();
    }
  });

  it('names which e-mail of several failed, and how many went out before it', async () => {
    const items = [{ json: {} }, { json: {} }, { json: {} }];
    const itemParams = ['a@shop.example', 'b@shop.example', 'nobody@shop.example'].map((to) => ({ ...base, to }));
    const error = await failure(send({}, items, { itemParams }));
    expect(error).toBeInstanceOf(NonRetriableError);
    expect(error.message).toMatch(/^E-mail 3 of 3: The mail server .* refused the recipient nobody@shop\.example .* \(the 2 before it were sent; a retry sends them again, with the same Message-ID\)$/);
    expect(server.received).toHaveLength(2);
  });
});

/** A port on which nothing listens: one the system handed out and took back. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

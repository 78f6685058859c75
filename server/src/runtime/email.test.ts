/**
 * The e-mail node (nodes/src/connector/email) end to end: an SMTP credential stored
 * through the API, a workflow saved and run by the real runtime (expressions in the
 * sandbox, the credential decrypted in the worker), and the e-mails checked where they
 * arrive — a local SMTP server. It lives with the runtime's tests because the nodes
 * package stands on its own and cannot reach the server's test harness.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeEmailTransports } from '@junction/nodes/server';
import { startSmtpServer, type TestSmtpServer } from '../../../nodes/src/connector/email/smtp-test-server.ts';
import { startHarness, type Harness } from '../testing/harness.ts';

const PASSWORD = 'e2e-smtp-password-3f9a';
let h: Harness;
let smtp: TestSmtpServer;
let credential: string;

beforeAll(async () => {
  h = await startHarness();
  smtp = await startSmtpServer({
    login: { user: 'mailer', password: PASSWORD },
    refuse: { 'busy@shop.example': { code: 451, message: '4.2.1 Mailbox busy' } },
  });
  credential = await store({ password: PASSWORD });
});

afterAll(async () => {
  closeEmailTransports();
  await smtp?.close();
  await h?.close();
});

async function store(data: Record<string, unknown>): Promise<string> {
  const response = await h.call('POST', '/api/credentials', {
    name: `Shop mail ${Math.random().toString(36).slice(2, 8)}`,
    type: 'smtp',
    data: { host: '127.0.0.1', port: smtp.port, security: 'none', user: 'mailer', from: 'orders@taipei-tea.example', ...data },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id;
}

function graph(mailNodes: Record<string, unknown>[]) {
  return {
    nodes: [{ id: 'start', type: 'trigger.manual', name: 'Start' }, ...mailNodes],
    edges: mailNodes.map((node) => ({ source: 'start', target: node.id })),
  };
}

async function runWith(workflowId: string, input: unknown) {
  const started = await h.call('POST', `/api/workflows/${workflowId}/run`, input);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return h.waitForRun(started.body.runId, 30_000);
}

const orders = [
  { order: 'SO-1001', email: 'anna@shop.example', name: 'Anna', lines: [{ sku: 'TEA-01', qty: 3 }] },
  { order: 'SO-1002', email: 'ben@shop.example', name: 'Ben', lines: [{ sku: 'TEA-02', qty: 1 }, { sku: 'CUP-07', qty: 2 }] },
];

describe('connector.email through the runtime', () => {
  it('sends one e-mail per item and one summary for all, filled in by expressions', async () => {
    const workflowId = await h.createWorkflow(
      graph([
        {
          id: 'mail',
          type: 'connector.email',
          name: 'Tell the customer',
          params: {
            credential,
            from: 'Taipei Tea <orders@taipei-tea.example>',
            to: '{{ $json.name }} <{{ $json.email }}>',
            subject: 'Order {{ $json.order }} has shipped',
            text: 'Hello {{ $json.name }}, your order is on its way.',
            attachments: [{ filename: '{{ $json.order }}.csv', content: '{{ "sku,qty\\n" + $json.lines.map((l) => l.sku + "," + l.qty).join("\\n") }}' }],
          },
        },
        {
          id: 'summary',
          type: 'connector.email',
          name: 'Tell the warehouse',
          params: {
            credential,
            mode: 'once',
            to: 'warehouse@taipei-tea.example',
            subject: '{{ $input.all().length }} orders shipped',
            html: '<ul>{{ $input.all().map((i) => "<li>" + i.json.order + "</li>").join("") }}</ul>',
          },
        },
      ]),
    );
    const run = await runWith(workflowId, orders);
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');

    const byRecipient = new Map(smtp.received.map((mail) => [mail.envelope.to.join(','), mail]));
    expect([...byRecipient.keys()].sort()).toEqual(['anna@shop.example', 'ben@shop.example', 'warehouse@taipei-tea.example']);
    const ben = byRecipient.get('ben@shop.example')!;
    expect(ben.user).toBe('mailer');
    expect(ben.parsed.to).toMatchObject({ value: [{ name: 'Ben', address: 'ben@shop.example' }] });
    expect(ben.parsed.subject).toBe('Order SO-1002 has shipped');
    expect(ben.parsed.text?.trim()).toBe('Hello Ben, your order is on its way.');
    expect(ben.parsed.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([['SO-1002.csv', 'text/csv', 'sku,qty\nTEA-02,1\nCUP-07,2']]);
    expect(ben.parsed.headers.get('x-idempotency-key')).toBe(`${run.id}:mail:1`);
    expect(byRecipient.get('anna@shop.example')!.parsed.headers.get('x-idempotency-key')).toBe(`${run.id}:mail:0`);

    const warehouse = byRecipient.get('warehouse@taipei-tea.example')!;
    expect(warehouse.parsed.subject).toBe('2 orders shipped');
    expect(warehouse.parsed.html).toContain('<li>SO-1001</li><li>SO-1002</li>');
    expect(warehouse.parsed.headers.get('x-idempotency-key')).toBe(`${run.id}:summary`);

    const step = (id: string) => run.steps.find((s: { nodeId: string }) => s.nodeId === id);
    const mailOutput = step('mail').output.main;
    expect(mailOutput).toHaveLength(2);
    expect(mailOutput[1]).toMatchObject({ json: { messageId: ben.parsed.messageId, accepted: ['ben@shop.example'], rejected: [], envelope: { from: 'orders@taipei-tea.example', to: ['ben@shop.example'] } }, pairedItem: 1 });
    expect(step('summary').output.main).toEqual([expect.objectContaining({ json: expect.objectContaining({ accepted: ['warehouse@taipei-tea.example'] }), pairedItem: [0, 1] })]);
    expect(JSON.stringify(run)).not.toContain(PASSWORD);
  });

  it('refuses a workflow whose addresses are wrong when it is saved, naming the field', async () => {
    const response = await h.call('POST', '/api/workflows', {
      name: 'Bad address',
      graph: graph([{ id: 'mail', type: 'connector.email', name: 'Mail', params: { credential, to: 'anna@shop.example, bob@', subject: 'Hi', text: 'Hi' } }]),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.issues).toEqual([
      expect.objectContaining({
        path: 'graph.nodes[1].params.to',
        message: 'Node "Mail", field to: "bob@" is not an e-mail address',
        i18n: { key: 'connector.email.notAnAddress', params: { entry: '"bob@"' } },
      }),
    ]);
  });

  it('fails the run when an expression gives a wrong address, before any e-mail goes out', async () => {
    const workflowId = await h.createWorkflow(
      graph([{ id: 'mail', type: 'connector.email', name: 'Mail', params: { credential, to: '{{ $json.email }}', subject: 'Hi', text: 'Hi' } }]),
    );
    const before = smtp.received.length;
    const run = await runWith(workflowId, [{ email: 'anna@shop.example' }, { email: 'anna.shop.example' }]);
    expect(run.status).toBe('failed');
    expect(run.error.message).toBe('Node "Mail": the parameters are not valid when filled in: to: "anna.shop.example" is not an e-mail address');
    expect(run.steps.find((s: { nodeId: string }) => s.nodeId === 'mail').attempts).toHaveLength(1);
    expect(smtp.received.length).toBe(before);
  });

  it('retries a recipient turned down for now, and fails a wrong password at once without showing it', async () => {
    const wrong = 'not-the-password-7c1e';
    const badLogin = await store({ password: wrong });
    const { nodes } = graph([
      { id: 'busy', type: 'connector.email', name: 'Busy', params: { credential, to: 'busy@shop.example', subject: 'Hi', text: 'Hi' }, retry: { maxAttempts: 2, backoffMs: 10, maxBackoffMs: 20 }, onError: 'continue' },
      { id: 'login', type: 'connector.email', name: 'Login', params: { credential: badLogin, to: 'anna@shop.example', subject: 'Hi', text: 'Hi' } },
    ]);
    const workflowId = await h.createWorkflow({ nodes, edges: [{ source: 'start', target: 'busy' }, { source: 'busy', target: 'login' }] });
    const run = await runWith(workflowId, {});
    expect(run.status).toBe('failed');
    const step = (id: string) => run.steps.find((s: { nodeId: string }) => s.nodeId === id);
    expect(step('busy').attempts).toHaveLength(2);
    expect(step('busy').output.main[0].json.error).toMatchObject({ message: expect.stringContaining('turned down the recipient busy@shop.example (451 4.2.1 Mailbox busy) for now') });
    expect(step('login').attempts).toHaveLength(1);
    expect(run.error.message).toMatch(/^Node "Login": Authentication failed: the mail server 127\.0\.0\.1:\d+ refused the login of "mailer"/);
    expect(JSON.stringify(run)).not.toContain(wrong);
  });
});

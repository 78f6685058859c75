/**
 * Waiting steps with a real worker: a wait holds no worker, survives the worker's
 * restart, and wakes by time or by a call to its resume URL — once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';
import { listen, type LocalServer } from '../testing/http.ts';
import { resumeToken } from './resume.ts';

let h: Harness;
let erp: LocalServer;
const orders: { key: string; body: unknown }[] = [];

beforeAll(async () => {
  h = await startHarness();
  erp = await listen((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      orders.push({ key: String(req.headers['idempotency-key']), body: JSON.parse(body || 'null') });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
});

afterAll(async () => {
  await erp?.close();
  await h?.close();
});

const approvalFlow = (waitFor: Record<string, unknown>) => ({
  nodes: [
    { id: 'start', type: 'trigger.manual', name: 'Start' },
    { id: 'link', type: 'transform.fields', name: 'Link', params: { operations: [{ op: 'set', field: 'approveAt', value: '{{ $run.resumeUrl }}' }] } },
    { id: 'approval', type: 'logic.wait', name: 'Manager approval', params: { waitFor } },
    { id: 'order', type: 'connector.http', name: 'Create PO', params: { method: 'POST', url: `${erp.url}/po`, body: { po: '{{ $json.po }}' } } },
    { id: 'refused', type: 'logic.noop', name: 'Refused' },
  ],
  edges: [
    { source: 'start', target: 'link' },
    { source: 'link', target: 'approval' },
    { source: 'approval', target: 'order' },
    { source: 'approval', sourcePort: 'rejected', target: 'refused' },
  ],
});

async function startRun(workflowId: string, input: unknown): Promise<string> {
  const { body } = await h.call('POST', `/api/workflows/${workflowId}/run`, input);
  return body.runId;
}

async function untilWaiting(runId: string): Promise<any> {
  await expect
    .poll(async () => {
      const run = (await h.call('GET', `/api/runs/${runId}`)).body;
      if (run.status === 'failed') throw new Error(`the run failed: ${JSON.stringify(run.error)}`);
      return run.status;
    })
    .toBe('waiting');
  return (await h.call('GET', `/api/runs/${runId}`)).body;
}

const resumePath = (runId: string, nodeId: string) => `/api/resume/${resumeToken(h.resume.secret, runId, nodeId)}`;
const step = (run: any, nodeId: string) => run.steps.find((s: { nodeId: string }) => s.nodeId === nodeId);

describe('logic.wait', () => {
  it('waits a while holding no worker, then goes on', { timeout: 30_000 }, async () => {
    const workflowId = await h.createWorkflow({
      nodes: [
        { id: 'start', type: 'trigger.manual', name: 'Start' },
        { id: 'pause', type: 'logic.wait', name: 'Pause', params: { waitFor: { mode: 'duration', amount: 1, unit: 'seconds' } } },
        { id: 'end', type: 'logic.noop', name: 'End' },
      ],
      edges: [
        { source: 'start', target: 'pause' },
        { source: 'pause', target: 'end' },
      ],
    });
    const runId = await startRun(workflowId, { n: 1 });
    const waiting = await untilWaiting(runId);
    expect(step(waiting, 'pause')).toMatchObject({ status: 'waiting', wait: { resumable: false } });
    expect(h.worker!.health().runsInFlight).toBe(0);
    const run = await h.waitForRun(runId, 15_000);
    expect(run.status).toBe('succeeded');
    expect(step(run, 'end').output.main[0].json).toMatchObject({ n: 1, wait: { outcome: 'elapsed' } });
    const pause = step(run, 'pause');
    expect(new Date(pause.wait.until).getTime() - new Date(pause.wait.since).getTime()).toBeGreaterThanOrEqual(900);
  });

  it('an approval link shows a page, takes one answer, and the run goes on the approved way', { timeout: 30_000 }, async () => {
    const workflowId = await h.createWorkflow(approvalFlow({ mode: 'approval', message: 'PO {{ $json.po }} for {{ $json.total }} TWD' }));
    const runId = await startRun(workflowId, { po: 'PO-7', total: 12_000 });
    const waiting = await untilWaiting(runId);
    const path = resumePath(runId, 'approval');
    // Steps before the wait know its address (to send it in an e-mail first).
    expect(step(waiting, 'link').output.main[0].json.approveAt).toBe(`http://junction.test${path}`);
    expect(step(waiting, 'approval').wait).toMatchObject({ reason: 'PO PO-7 for 12000 TWD', resumable: true, page: { kind: 'approval' } });

    // Opening the link (a mail scanner does) changes nothing.
    const opened = await h.callAs(null, 'GET', path, undefined, { accept: 'text/html' });
    expect(opened.status).toBe(200);
    expect(opened.body).toContain('PO PO-7 for 12000 TWD');
    expect(opened.body).toContain('value="approve"');
    expect(opened.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await h.call('GET', `/api/runs/${runId}`)).body.status).toBe('waiting');

    const answered = await h.callAs(null, 'POST', path, 'decision=approve&comment=fine', { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
    expect(answered.status).toBe(200);
    expect(answered.body).toContain('your answer was recorded');
    const again = await h.callAs(null, 'POST', path, { decision: 'reject' });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'not_waiting' } } });

    const run = await h.waitForRun(runId, 15_000);
    expect(run.status).toBe('succeeded');
    expect(step(run, 'refused').status).toBe('skipped');
    expect(orders.filter((o) => o.key === `${runId}:order`)).toHaveLength(1);
    expect(step(run, 'approval').wait.resumed).toMatchObject({ by: 'call', data: { decision: 'approve', comment: 'fine' } });
    expect(step(run, 'order').input[0].json.wait).toMatchObject({ outcome: 'approved', data: { decision: 'approve', comment: 'fine' } });
  });

  it('run detail gives the resume URL of a step that waits for a call to those who may run the workflow, and to nobody once it is answered', { timeout: 30_000 }, async () => {
    const workflowId = await h.createWorkflow(approvalFlow({ mode: 'approval', message: 'PO {{ $json.po }}' }));
    const runId = await startRun(workflowId, { po: 'PO-12' });
    const waiting = await untilWaiting(runId);
    const url = step(waiting, 'approval').resumeUrl;
    expect(url).toBe(`http://junction.test${resumePath(runId, 'approval')}`);
    // Steps that do not wait for a call have none.
    expect(step(waiting, 'link').resumeUrl).toBeUndefined();
    // A viewer reads the run, and does not get the address that answers it.
    const viewer = await h.createUser('viewer');
    const seen = await h.callAs(viewer.key, 'GET', `/api/runs/${runId}`);
    expect(seen.status).toBe(200);
    expect(step(seen.body, 'approval').wait).toMatchObject({ resumable: true });
    expect(step(seen.body, 'approval').resumeUrl).toBeUndefined();
    // An editor the workflow is not shared with does not see the run at all.
    const editor = await h.createUser('editor');
    expect((await h.callAs(editor.key, 'GET', `/api/runs/${runId}`)).status).toBe(404);

    expect((await h.callAs(null, 'POST', new URL(url).pathname, { decision: 'approve' })).status).toBe(200);
    const run = await h.waitForRun(runId, 15_000);
    expect(run.status).toBe('succeeded');
    expect(step(run, 'approval').resumeUrl).toBeUndefined();
  });

  it('a rejected approval takes the rejected way; a wrong or forged token resumes nothing', { timeout: 30_000 }, async () => {
    const workflowId = await h.createWorkflow(approvalFlow({ mode: 'approval', message: 'PO {{ $json.po }}' }));
    const runId = await startRun(workflowId, { po: 'PO-8' });
    await untilWaiting(runId);
    const path = resumePath(runId, 'approval');
    const forged = path.slice(0, -4) + (path.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await h.callAs(null, 'POST', forged, { decision: 'approve' })).status).toBe(404);
    expect((await h.callAs(null, 'POST', resumePath(runId, 'order'), { decision: 'approve' })).status).toBe(404);
    expect((await h.callAs(null, 'POST', '/api/resume/not-a-token', { decision: 'approve' })).status).toBe(404);
    expect((await h.callAs(null, 'POST', path, { decision: 'maybe' })).status).toBe(400);
    expect((await h.callAs(null, 'POST', path, { decision: 'reject' })).status).toBe(200);
    const run = await h.waitForRun(runId, 15_000);
    expect(run.status).toBe('succeeded');
    expect(step(run, 'order').status).toBe('skipped');
    expect(step(run, 'refused').output.main[0].json.wait).toMatchObject({ outcome: 'rejected' });
    expect(orders.some((o) => o.key === `${runId}:order`)).toBe(false);
  });

  it('an approval nobody answers in time counts as the node says', { timeout: 30_000 }, async () => {
    const workflowId = await h.createWorkflow(approvalFlow({ mode: 'approval', message: 'PO', expiresIn: 1, expiresUnit: 'hours', onExpiry: 'reject' }));
    const runId = await startRun(workflowId, { po: 'PO-9' });
    await untilWaiting(runId);
    // The clock moves on: the link expired a moment ago, and the run's job comes due.
    await h.database.pool.query(
      `update steps set wait = jsonb_set(wait, '{until}', to_jsonb((now() - interval '1 second')::text)) where run_id = $1 and node_id = 'approval'`,
      [runId],
    );
    expect((await h.callAs(null, 'POST', resumePath(runId, 'approval'), { decision: 'approve' })).body.error.code).toBe('wait_expired');
    await h.database.pool.query(`update graphile_worker._private_jobs set run_at = now() where key = $1`, [`run:${runId}`]);
    const run = await h.waitForRun(runId, 15_000);
    expect(step(run, 'refused').output.main[0].json.wait).toMatchObject({ outcome: 'expired' });
    expect(step(run, 'order').status).toBe('skipped');
  });

  it('a form checks what was filled in, and hands it on', { timeout: 30_000 }, async () => {
    const workflowId = await h.createWorkflow({
      nodes: [
        { id: 'start', type: 'trigger.manual', name: 'Start' },
        {
          id: 'count',
          type: 'logic.wait',
          name: 'Count the shelf',
          params: { waitFor: { mode: 'form', message: 'How many are on the shelf?', fields: [{ name: 'quantity', label: 'Quantity', type: 'number' }, { name: 'note', label: 'Note', required: false }] } },
        },
      ],
      edges: [{ source: 'start', target: 'count' }],
    });
    const runId = await startRun(workflowId, {});
    await untilWaiting(runId);
    const path = resumePath(runId, 'count');
    const page = await h.callAs(null, 'POST', path, 'quantity=lots', { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
    expect(page.status).toBe(400);
    expect(page.body).toContain('Enter a number');
    expect(page.body).toContain('value="lots"');
    const missing = await h.callAs(null, 'POST', path, { note: 'x' });
    expect(missing).toMatchObject({ status: 400, body: { error: { code: 'invalid_answer', path: 'quantity' } } });
    expect((await h.callAs(null, 'POST', path, { quantity: '12' })).status).toBe(200);
    const run = await h.waitForRun(runId, 15_000);
    expect(step(run, 'count').output.main[0].json.wait).toMatchObject({ outcome: 'submitted', data: { quantity: 12 } });
  });

  it('a waiting run survives its worker stopping, resumes with a new one, and cancels at once', { timeout: 40_000 }, async () => {
    const workflowId = await h.createWorkflow(approvalFlow({ mode: 'callback' }));
    const [first, second] = [await startRun(workflowId, { po: 'PO-10' }), await startRun(workflowId, { po: 'PO-11' })];
    await untilWaiting(first);
    await untilWaiting(second);
    await h.worker!.stop();
    const worker = await h.startWorker();
    const called = await h.callAs(null, 'POST', resumePath(first, 'approval'), { tracking: 'T-1' });
    expect(called).toMatchObject({ status: 200, body: { status: 'resumed' } });
    const run = await h.waitForRun(first, 15_000);
    expect(run.status).toBe('succeeded');
    expect(step(run, 'order').input[0].json.wait).toMatchObject({ outcome: 'called', data: { tracking: 'T-1' } });
    expect((await h.call('POST', `/api/runs/${second}/cancel`)).body.status).toBe('cancelled');
    const cancelled = (await h.call('GET', `/api/runs/${second}`)).body;
    expect(step(cancelled, 'approval')).toMatchObject({ status: 'failed', error: { name: 'Cancelled' } });
    expect((await h.callAs(null, 'POST', resumePath(second, 'approval'), {})).status).toBe(409);
    await worker.stop();
  });
});

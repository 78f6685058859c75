import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';
import { listen, type LocalServer } from '../testing/http.ts';
import { cpuMs } from '../sandbox/testing.ts';

let h: Harness;
/** 15 MB: under the HTTP node's 16 MB limit per answer; two of them are more than the 20 MB a step may keep here. */
const BIG_ANSWER = JSON.stringify({ s: 'x'.repeat(15 * 1024 * 1024) });
let server: LocalServer;
let baseUrl: string;
const calls: { path: string; idempotencyKey: string | undefined; body: string }[] = [];
/** Per path: statuses to answer in turn (the last one repeats). */
const script = new Map<string, number[]>();

beforeAll(async () => {
  h = await startHarness({ stepDataLimit: 20 * 1024 * 1024 });
  server = await listen((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      calls.push({ path, idempotencyKey: req.headers['idempotency-key'] as string | undefined, body });
      const statuses = script.get(path.split('?')[0]!) ?? [200];
      const status = statuses.length > 1 ? statuses.shift()! : statuses[0]!;
      if (path.startsWith('/slow')) return setTimeout(() => res.end('{}'), 5000);
      // Answers long after any test would wait: only an abort ends a step calling it.
      if (path.startsWith('/hang')) return setTimeout(() => res.end('{}'), 60_000).unref();
      if (path.startsWith('/big')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(BIG_ANSWER);
      }
      if (path.startsWith('/unstorable')) {
        // What a careless API can answer: a NUL in a key and half of a surrogate pair.
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"po":"PO-1","note":"\\ud800","k\\u0000ey":1}');
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: status < 400, path }));
    });
  });
  baseUrl = server.url;
});

afterAll(async () => {
  await h?.close();
  await server?.close();
});

const manual = { id: 't', type: 'trigger.manual', name: 'Start' };
const edge = (source: string, target: string, sourcePort = 'main') => ({ source, sourcePort, target, targetPort: 'main' });

async function run(workflowId: string, input: unknown) {
  const response = await h.call('POST', `/api/workflows/${workflowId}/run`, input);
  expect(response.status).toBe(202);
  return h.waitForRun(response.body.runId);
}

describe('runtime', () => {
  it('routes items along if branches, skips the empty branch and records every step', async () => {
    const id = await h.createWorkflow({
      nodes: [
        manual,
        { id: 'if', type: 'logic.if', name: 'Big?', params: { conditions: [{ left: '{{ $json.total }}', op: 'gt', right: 100 }] } },
        { id: 'big', type: 'transform.fields', name: 'Mark big', params: { operations: [{ op: 'set', field: 'size', value: 'big' }] } },
        { id: 'small', type: 'transform.fields', name: 'Mark small', params: { operations: [{ op: 'set', field: 'size', value: 'small' }] } },
        { id: 'none', type: 'logic.noop', name: 'Nothing here' },
      ],
      edges: [edge('t', 'if'), edge('if', 'big', 'true'), edge('if', 'small', 'false'), edge('small', 'none')],
    });
    const detail = await run(id, [{ total: 500 }, { total: 50 }, { total: 1000 }]);
    expect(detail.status).toBe('succeeded');
    const steps = Object.fromEntries(detail.steps.map((s: any) => [s.nodeId, s]));
    expect(steps.if.output.true.map((i: any) => i.json.total)).toEqual([500, 1000]);
    expect(steps.if.output.false.map((i: any) => i.json.total)).toEqual([50]);
    expect(steps.big.output.main.map((i: any) => i.json)).toEqual([{ total: 500, size: 'big' }, { total: 1000, size: 'big' }]);
    expect(steps.big.input.map((i: any) => i.json.total)).toEqual([500, 1000]);
    expect(steps.small.output.main[0]).toEqual({ json: { total: 50, size: 'small' }, pairedItem: 0 });
    expect(steps.none.status).toBe('succeeded');

    const onlySmall = await run(id, { total: 1 });
    const byId = Object.fromEntries(onlySmall.steps.map((s: any) => [s.nodeId, s]));
    expect(byId.big.status).toBe('skipped');
    expect(byId.small.status).toBe('succeeded');
  });

  it('stores data PostgreSQL cannot hold as is (NUL, lone surrogates) with U+FFFD, calling the system once', async () => {
    const id = await h.createWorkflow({
      nodes: [
        manual,
        { id: 'h', type: 'connector.http', name: 'Create PO', params: { method: 'POST', url: `${baseUrl}/unstorable`, body: { a: 1 } } },
        { id: 'c', type: 'code.javascript', name: 'Note', params: { code: "console.log('log \\ud800');\nreturn [{ json: { ...$input.first().json, ['x\\u0000']: 'a\\udc00b' } }];" } },
      ],
      edges: [edge('t', 'h'), edge('h', 'c')],
    });
    const before = calls.filter((call) => call.path === '/unstorable').length;
    const detail = await run(id, { ['in\u0000put']: 'x\ud800' });
    expect(detail.status).toBe('succeeded');
    expect(calls.filter((call) => call.path === '/unstorable').length).toBe(before + 1);
    expect(detail.input[0].json).toEqual({ ['in\uFFFDput']: 'x\uFFFD' });
    const http = detail.steps.find((step: { nodeId: string }) => step.nodeId === 'h');
    expect(http.output.main[0].json.body).toEqual({ po: 'PO-1', note: '\uFFFD', ['k\uFFFDey']: 1 });
    const code = detail.steps.find((step: { nodeId: string }) => step.nodeId === 'c');
    expect(code.output.main[0].json['x\uFFFD']).toBe('a\uFFFDb');
    expect(code.attempts[0].logs[0].message).toBe('log \uFFFD');
  });

  it('fails a run whose step result is too large to keep, saying so, without calling the system again', async () => {
    const id = await h.createWorkflow({
      nodes: [manual, { id: 'h', type: 'connector.http', name: 'Fetch catalogue', params: { url: `${baseUrl}/big` } }],
      edges: [edge('t', 'h')],
    });
    const before = calls.filter((call) => call.path === '/big').length;
    const response = await h.call('POST', `/api/workflows/${id}/run`, [{ n: 1 }, { n: 2 }]);
    const detail = await h.waitForRun(response.body.runId);
    expect(detail.status).toBe('failed');
    expect(detail.error).toMatchObject({ name: 'StorageError', nodeId: 'h', retriable: false });
    expect(detail.error.message).toMatch(/^The step's result could not be stored: it is 30\.0 MB of data, more than the 20\.0 MB a step may keep \(JUNCTION_STEP_DATA_LIMIT\)$/);
    const step = detail.steps.find((s: { nodeId: string }) => s.nodeId === 'h');
    expect(step).toMatchObject({ status: 'failed', output: null, error: { name: 'StorageError' } });
    // Give a wrongly retried job time to call again: it must not.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(calls.filter((call) => call.path === '/big').length).toBe(before + 2);
  });

  it('retries a failing HTTP step with backoff, passing the same idempotency key, without holding the worker', async () => {
    script.set('/flaky', [503, 429, 200]);
    const id = await h.createWorkflow({
      nodes: [
        manual,
        { id: 'http', type: 'connector.http', name: 'Call ERP', params: { method: 'POST', url: `${baseUrl}/flaky`, body: { po: 1 } }, retry: { maxAttempts: 4, backoffMs: 200, maxBackoffMs: 400 } },
      ],
      edges: [edge('t', 'http')],
    });
    const before = calls.length;
    const detail = await run(id, {});
    expect(detail.status).toBe('succeeded');
    const made = calls.slice(before).filter((c) => c.path === '/flaky');
    expect(made).toHaveLength(3);
    expect(new Set(made.map((c) => c.idempotencyKey))).toEqual(new Set([`${detail.id}:http`]));
    const step = detail.steps.find((s: any) => s.nodeId === 'http');
    expect(step.attempt).toBe(3);
    expect(step.attempts.map((a: any) => a.status)).toEqual(['failed', 'failed', 'succeeded']);
    expect(step.attempts[0].error.message).toContain('503');
    const gaps = [1, 2].map((i) => Date.parse(step.attempts[i].startedAt) - Date.parse(step.attempts[i - 1].finishedAt));
    expect(gaps[0]).toBeGreaterThanOrEqual(100);
    expect(gaps[1]).toBeGreaterThanOrEqual(200);
  });

  it('fails the run after the last attempt, and a 4xx is not retried', async () => {
    script.set('/gone', [404]);
    const id = await h.createWorkflow({
      nodes: [manual, { id: 'http', type: 'connector.http', name: 'Call', params: { url: `${baseUrl}/gone` }, retry: { maxAttempts: 5, backoffMs: 10, maxBackoffMs: 10 } }, { id: 'after', type: 'logic.noop', name: 'After' }],
      edges: [edge('t', 'http'), edge('http', 'after')],
    });
    const detail = await run(id, {});
    expect(detail.status).toBe('failed');
    expect(detail.error).toMatchObject({ nodeId: 'http', retriable: false });
    // With what the system said, so the person fixing the flow reads its reason in the run.
    expect(detail.error.message).toBe(`Node "Call": GET ${baseUrl}/gone answered 404 Not Found: {"ok":false,"path":"/gone"}`);
    const step = detail.steps.find((s: any) => s.nodeId === 'http');
    expect(step.attempts).toHaveLength(1);
    expect(step.error.details.status).toBe(404);
    expect(detail.steps.find((s: any) => s.nodeId === 'after')).toBeUndefined();
  });

  it('names the node when its params are not valid once filled in', async () => {
    const id = await h.createWorkflow({
      nodes: [
        manual,
        { id: 'http', type: 'connector.http', name: 'Call ERP', params: { url: '{{ $json.address }}' } },
      ],
      edges: [edge('t', 'http')],
    });
    const detail = await run(id, { address: 'erp.example.com/orders' });
    expect(detail.status).toBe('failed');
    expect(detail.error.message).toBe('Node "Call ERP": the parameters are not valid when filled in: url: Give a full address starting with http:// or https://');
    expect(detail.error.retriable).toBe(false);
  });

  it('continues after a failed step when the node says onError: continue', async () => {
    script.set('/bad', [400]);
    const id = await h.createWorkflow({
      nodes: [
        manual,
        { id: 'http', type: 'connector.http', name: 'Call', params: { url: `${baseUrl}/bad` }, onError: 'continue' },
        { id: 'after', type: 'logic.noop', name: 'After' },
      ],
      edges: [edge('t', 'http'), edge('http', 'after')],
    });
    const detail = await run(id, { sku: 'A' });
    expect(detail.status).toBe('succeeded');
    const after = detail.steps.find((s: any) => s.nodeId === 'after');
    expect(after.output.main[0].json.sku).toBe('A');
    expect(after.output.main[0].json.error.message).toContain('400');
    expect(detail.steps.find((s: any) => s.nodeId === 'http').status).toBe('failed');
  });

  it('stops a run that passes its time limit, aborting the step in flight', async () => {
    const id = await h.createWorkflow({
      nodes: [manual, { id: 'http', type: 'connector.http', name: 'Slow call', params: { url: `${baseUrl}/slow` } }],
      edges: [edge('t', 'http')],
      settings: { timeoutSeconds: 1 },
    });
    const started = Date.now();
    const detail = await run(id, {});
    expect(Date.now() - started).toBeLessThan(4000);
    expect(detail.status).toBe('failed');
    expect(detail.error.name).toBe('Timeout');
    expect(detail.steps.find((s: any) => s.nodeId === 'http').status).toBe('failed');
  });

  it('cancels a running run: the step in flight is aborted', async () => {
    const id = await h.createWorkflow({
      nodes: [manual, { id: 'http', type: 'connector.http', name: 'Slow call', params: { url: `${baseUrl}/hang` } }],
      edges: [edge('t', 'http')],
    });
    const { body } = await h.call('POST', `/api/workflows/${id}/run`, {});
    await expect
      .poll(async () => (await h.call('GET', `/api/runs/${body.runId}`)).body.steps.find((s: any) => s.nodeId === 'http')?.status, { timeout: 15_000, interval: 20 })
      .toBe('running');
    const cancel = await h.call('POST', `/api/runs/${body.runId}/cancel`);
    expect(cancel.status).toBe(202);
    // The call answers only after 60 s: the run ends long before, so its step was aborted.
    const detail = await h.waitForRun(body.runId, 20_000);
    expect(detail.status).toBe('cancelled');
    expect(detail.steps.find((s: any) => s.nodeId === 'http').status).toBe('failed');
    expect((await h.call('POST', `/api/runs/${body.runId}/cancel`)).status).toBe(409);
  });

  it('shows a run whose Code step loops as running, and cancels it: the loop stops at once, the steps are kept, the sandbox is free', async () => {
    const id = await h.createWorkflow({
      nodes: [manual, { id: 'c', type: 'code.javascript', name: 'Spin', params: { mode: 'allItems', code: 'while (true) {}' } }],
      edges: [edge('t', 'c')],
      settings: { codeTimeoutMs: 30_000 },
    });
    const { body } = await h.call('POST', `/api/workflows/${id}/run`, {});
    // A pure step is checkpointed with the next one, but one this long shows as running.
    await expect
      .poll(async () => {
        const detail = (await h.call('GET', `/api/runs/${body.runId}`)).body;
        return [detail.status, detail.steps.find((s: any) => s.nodeId === 'c')?.status];
      }, { timeout: 10_000, interval: 50 })
      .toEqual(['running', 'running']);
    const started = Date.now();
    expect((await h.call('POST', `/api/runs/${body.runId}/cancel`)).status).toBe(202);
    const detail = await h.waitForRun(body.runId);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(detail.status).toBe('cancelled');
    // What it was doing when cancelled stays in the record.
    expect(detail.steps.map((s: any) => [s.nodeId, s.status])).toEqual([['t', 'succeeded'], ['c', 'failed']]);
    // The sandbox serves the next Code step promptly: nothing still loops there.
    const quick = await h.createWorkflow({
      nodes: [manual, { id: 'c', type: 'code.javascript', name: 'Quick', params: { mode: 'allItems', code: 'return { ok: true };' } }],
      edges: [edge('t', 'c')],
    });
    const after = Date.now();
    expect((await run(quick, {})).status).toBe('succeeded');
    expect(Date.now() - after).toBeLessThan(1000);
    // And no sandbox process burns a core any more.
    const sandboxCpuMs = () => h.sandbox!.pids().reduce((sum, pid) => sum + cpuMs(pid), 0);
    const before = sandboxCpuMs();
    await new Promise((r) => setTimeout(r, 1000));
    expect(sandboxCpuMs() - before).toBeLessThan(300);
  });

  it('cancels a run waiting for a step\'s retry: the step gets no next attempt', async () => {
    script.set('/busy', [503]);
    const id = await h.createWorkflow({
      nodes: [manual, { id: 'http', type: 'connector.http', name: 'Busy', params: { url: `${baseUrl}/busy` }, retry: { maxAttempts: 3, backoffMs: 60_000, maxBackoffMs: 60_000 } }],
      edges: [edge('t', 'http')],
    });
    const { body } = await h.call('POST', `/api/workflows/${id}/run`, {});
    await expect.poll(async () => (await h.call('GET', `/api/runs/${body.runId}`)).body.status, { timeout: 15_000, interval: 20 }).toBe('waiting');
    const waiting = (await h.call('GET', `/api/runs/${body.runId}`)).body.steps.find((s: any) => s.nodeId === 'http');
    expect(waiting).toMatchObject({ status: 'retrying', attempt: 1 });
    expect(waiting.nextAttemptAt).not.toBeNull();
    expect((await h.call('POST', `/api/runs/${body.runId}/cancel`)).body).toEqual({ status: 'cancelled' });
    const detail = await h.waitForRun(body.runId);
    expect(detail.status).toBe('cancelled');
    const step = detail.steps.find((s: any) => s.nodeId === 'http');
    expect(step).toMatchObject({ status: 'failed', nextAttemptAt: null, error: { name: 'Cancelled', retriable: false } });
    expect(step.attempts.map((a: any) => a.status)).toEqual(['failed']);
  });

  it('deleting a workflow cancels its runs not finished yet: a waiting one makes no further call', async () => {
    script.set('/busy-deleted', [503]);
    const id = await h.createWorkflow({
      nodes: [manual, { id: 'http', type: 'connector.http', name: 'Busy', params: { url: `${baseUrl}/busy-deleted` }, retry: { maxAttempts: 3, backoffMs: 60_000, maxBackoffMs: 60_000 } }],
      edges: [edge('t', 'http')],
    });
    const { body } = await h.call('POST', `/api/workflows/${id}/run`, {});
    await expect.poll(async () => (await h.call('GET', `/api/runs/${body.runId}`)).body.status, { timeout: 15_000, interval: 20 }).toBe('waiting');
    expect((await h.call('DELETE', `/api/workflows/${id}`)).status).toBe(204);
    const detail = await h.waitForRun(body.runId);
    expect(detail.status).toBe('cancelled');
    expect(detail.steps.find((s: any) => s.nodeId === 'http')).toMatchObject({ status: 'failed', nextAttemptAt: null, error: { name: 'Cancelled' } });
    const audit = (await h.call('GET', `/api/audit?action=workflow.delete&resourceId=${id}`)).body;
    expect(JSON.stringify(audit)).toContain('"runsCancelled":1');
  });

  it('cancels a running run with another step waiting for its retry: neither is left unfinished', async () => {
    script.set('/busy-branch', [503]);
    const id = await h.createWorkflow({
      nodes: [
        manual,
        { id: 'slow', type: 'connector.http', name: 'Slow call', params: { url: `${baseUrl}/hang` } },
        { id: 'busy', type: 'connector.http', name: 'Busy', params: { url: `${baseUrl}/busy-branch` }, retry: { maxAttempts: 3, backoffMs: 60_000, maxBackoffMs: 60_000 } },
      ],
      edges: [edge('t', 'slow'), edge('t', 'busy')],
    });
    const { body } = await h.call('POST', `/api/workflows/${id}/run`, {});
    await expect.poll(() => calls.filter((call) => call.idempotencyKey === `${body.runId}:busy`).length, { timeout: 15_000, interval: 20 }).toBe(1);
    expect((await h.call('POST', `/api/runs/${body.runId}/cancel`)).body).toEqual({ status: 'cancelling' });
    const detail = await h.waitForRun(body.runId, 20_000);
    expect(detail.status).toBe('cancelled');
    for (const nodeId of ['slow', 'busy']) {
      expect(detail.steps.find((s: any) => s.nodeId === nodeId)).toMatchObject({ status: 'failed', nextAttemptAt: null, error: { name: 'Cancelled' } });
    }
  });

  it('retries a failed run from the failed step, keeping earlier results', async () => {
    script.set('/once', [500, 200]);
    const id = await h.createWorkflow({
      nodes: [
        manual,
        { id: 'prep', type: 'transform.fields', name: 'Prepare', params: { operations: [{ op: 'set', field: 'ready', value: true }] } },
        { id: 'http', type: 'connector.http', name: 'Call', params: { url: `${baseUrl}/once` }, retry: { maxAttempts: 1, backoffMs: 0, maxBackoffMs: 0 } },
      ],
      edges: [edge('t', 'prep'), edge('prep', 'http')],
    });
    const failed = await run(id, { n: 1 });
    expect(failed.status).toBe('failed');
    const retry = await h.call('POST', `/api/runs/${failed.id}/retry`);
    expect(retry.status).toBe(202);
    const retried = await h.waitForRun(retry.body.runId);
    expect(retried.status).toBe('succeeded');
    expect(retried.retryOf).toBe(failed.id);
    const prepBefore = failed.steps.find((s: any) => s.nodeId === 'prep');
    const prepAfter = retried.steps.find((s: any) => s.nodeId === 'prep');
    expect(prepAfter.finishedAt).toBe(prepBefore.finishedAt);
    expect((await h.call('POST', `/api/runs/${retried.id}/retry`)).status).toBe(409);
    // The retried call carries the key of the attempt that failed: a system that acted on it acts once.
    const keys = calls.filter((call) => call.path === '/once').map((call) => call.idempotencyKey);
    expect(keys).toEqual([`${failed.id}:http`, `${failed.id}:http`]);
  });

  it('refuses to retry a run whose workflow was deleted, without calling anything', async () => {
    script.set('/deleted', [500]);
    const id = await h.createWorkflow({
      nodes: [manual, { id: 'http', type: 'connector.http', name: 'Call', params: { url: `${baseUrl}/deleted` }, retry: { maxAttempts: 1, backoffMs: 0, maxBackoffMs: 0 } }],
      edges: [edge('t', 'http')],
    });
    const failed = await run(id, {});
    expect(failed.status).toBe('failed');
    expect((await h.call('DELETE', `/api/workflows/${id}`)).status).toBe(204);
    const before = calls.length;
    for (const version of ['original', 'latest']) {
      const retry = await h.call('POST', `/api/runs/${failed.id}/retry?version=${version}`);
      expect(retry.status).toBe(409);
      expect(retry.body.error).toMatchObject({ code: 'workflow_deleted', message: 'The workflow of this run was deleted, so the run cannot be retried; its history stays readable' });
    }
    expect((await h.call('GET', `/api/runs?workflowId=${id}`)).body.runs.map((r: any) => r.id)).toEqual([failed.id]);
    expect((await h.call('GET', `/api/runs/${failed.id}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calls.length).toBe(before);
  });

  it('keeps the first run\'s idempotency keys through a chain of retries', async () => {
    script.set('/twice', [500, 500, 200]);
    const id = await h.createWorkflow({
      nodes: [manual, { id: 'http', type: 'connector.http', name: 'Call', params: { url: `${baseUrl}/twice` }, retry: { maxAttempts: 1, backoffMs: 0, maxBackoffMs: 0 } }],
      edges: [edge('t', 'http')],
    });
    const first = await run(id, {});
    const second = await h.waitForRun((await h.call('POST', `/api/runs/${first.id}/retry`)).body.runId);
    expect(second.status).toBe('failed');
    const third = await h.waitForRun((await h.call('POST', `/api/runs/${second.id}/retry`)).body.runId);
    expect(third.status).toBe('succeeded');
    expect(calls.filter((call) => call.path === '/twice').map((call) => call.idempotencyKey)).toEqual(Array(3).fill(`${first.id}:http`));
  });
});

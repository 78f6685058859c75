import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUN_PROGRESS_CHANNEL } from '../db/queries/notifications.ts';
import { startHarness, type Harness } from '../testing/harness.ts';
import { listen, type LocalServer } from '../testing/http.ts';
import { spawnJunction } from '../testing/processes.ts';

let h: Harness;
let erp: LocalServer;
/** Lets the stand-in ERP answer: each call waits until the test releases it. */
let release: (() => void)[] = [];
let workflowId: string;

const edge = (source: string, target: string, sourcePort = 'main') => ({ source, sourcePort, target, targetPort: 'main' });

interface SseEvent {
  event: string;
  data: any;
}

/** Reads an SSE response to its end (the server closes it after the run's final event). */
async function readEvents(response: Response, onEvent?: (event: SseEvent) => void): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
      const parsed = { event, data: data ? JSON.parse(data) : null };
      events.push(parsed);
      onEvent?.(parsed);
    }
  }
  return events;
}

beforeAll(async () => {
  h = await startHarness();
  erp = await listen((req, res) => {
    release.push(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, path: req.url }));
    });
  });
  workflowId = await h.createWorkflow({
    nodes: [
      { id: 't', type: 'trigger.manual', name: 'Start' },
      { id: 'f', type: 'transform.fields', name: 'Tag', params: { operations: [{ op: 'set', field: 'tag', value: 'x' }] } },
      { id: 'i', type: 'logic.if', name: 'Big?', params: { conditions: [{ left: '{{ $json.total }}', op: 'gt', right: 100 }] } },
      { id: 'h', type: 'connector.http', name: 'Post to ERP', params: { method: 'POST', url: `${erp.url}/orders`, body: { a: 1 } } },
    ],
    edges: [edge('t', 'f'), edge('f', 'i'), edge('i', 'h', 'true')],
  });
});

afterAll(async () => {
  for (const go of release) go();
  await erp?.close();
  await h?.close();
});

describe('GET /api/runs/:id/events', () => {
  it('streams each step of a watched run live, with item counts, and ends with the run', async () => {
    const started = await h.call('POST', `/api/workflows/${workflowId}/run?watch=true`, [{ total: 500 }, { total: 5 }]);
    expect(started.status).toBe(202);
    const response = await h.app.request(`/api/runs/${started.body.runId}/events`, { headers: { authorization: `Bearer ${h.owner.key}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    let sawHttpRunning = false;
    let releaser: NodeJS.Timeout | undefined;
    // The step says it runs a moment before its call reaches the ERP: from then on, every call held is let go.
    const letGo = () => {
      sawHttpRunning = true;
      releaser ??= setInterval(() => release.splice(0).forEach((go) => go()), 50);
    };
    const events = await readEvents(response, (event) => {
      // The HTTP step is running (the ERP holds the call) before the run can finish: proof the events are live.
      if (event.event === 'step' && event.data.nodeId === 'h' && event.data.status === 'running') letGo();
      if (event.event === 'snapshot' && event.data.steps.some((s: any) => s.nodeId === 'h' && s.status === 'running')) letGo();
    }).finally(() => clearInterval(releaser));
    expect(sawHttpRunning).toBe(true);
    expect(events[0]!.event).toBe('snapshot');
    const steps = events.filter((e) => e.event === 'step').map((e) => e.data);
    // The pure steps before the HTTP call may have finished before the stream opened: then a
    // snapshot carries them (the first, or one sent when the run's row changed meanwhile).
    const snapshotSteps = events.filter((e) => e.event === 'snapshot').flatMap((e) => e.data.steps) as { nodeId: string; status: string; counts: Record<string, number> }[];
    const ifDone = [...steps, ...snapshotSteps].find((s) => s.nodeId === 'i' && s.status === 'succeeded');
    expect(ifDone?.counts).toEqual({ true: 1, false: 1 });
    expect(steps.find((s) => s.nodeId === 'h' && s.status === 'succeeded')?.counts).toEqual({ main: 1 });
    const last = events.at(-1)!;
    expect(last).toMatchObject({ event: 'run', data: { status: 'succeeded' } });
  });

  it('gives a finished run its snapshot and end at once', async () => {
    const started = await h.call('POST', `/api/workflows/${workflowId}/run`, { total: 1 });
    await h.waitForRun(started.body.runId);
    const events = await readEvents(await h.app.request(`/api/runs/${started.body.runId}/events`, { headers: { authorization: `Bearer ${h.owner.key}` } }));
    expect(events.map((e) => e.event)).toEqual(['snapshot', 'run']);
    expect(events[0]!.data.run.status).toBe('succeeded');
    expect(events[0]!.data.steps.find((s: any) => s.nodeId === 'i')).toMatchObject({ status: 'succeeded', counts: { true: 0, false: 1 } });
    expect(events[0]!.data.steps.find((s: any) => s.nodeId === 'h')).toMatchObject({ status: 'skipped' });
  });

  it('follows an unwatched run by its row once someone opens the stream', async () => {
    const started = await h.call('POST', `/api/workflows/${workflowId}/run`, { total: 1000 });
    const response = await h.app.request(`/api/runs/${started.body.runId}/events`, { headers: { authorization: `Bearer ${h.owner.key}` } });
    const releaser = setInterval(() => release.splice(0).forEach((go) => go()), 100);
    const events = await readEvents(response);
    clearInterval(releaser);
    expect(events.at(-1)).toMatchObject({ event: 'run', data: { status: 'succeeded' } });
    const row = await h.database.pool.query('select watched from runs where id = $1', [started.body.runId]);
    expect(row.rows[0].watched).toBe(true);
  });

  it('publishes nothing for runs nobody watches (the hot path stays at its commits)', async () => {
    const client = new pg.Client({ connectionString: h.database.url });
    await client.connect();
    const heard: string[] = [];
    client.on('notification', (message) => heard.push(message.payload ?? ''));
    await client.query(`listen ${RUN_PROGRESS_CHANNEL}`);
    const started = await h.call('POST', `/api/workflows/${workflowId}/run`, { total: 1 });
    await h.waitForRun(started.body.runId);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await client.end();
    expect(heard.filter((p) => p.includes(started.body.runId))).toEqual([]);
  });

  it('answers 404 for a run that does not exist and 400 for a malformed id', async () => {
    expect((await h.call('GET', '/api/runs/0199b1c2-6f1e-7cc1-a1b2-3c4d5e6f7a8b/events')).status).toBe(404);
    expect((await h.call('GET', '/api/runs/nope/events')).status).toBe(400);
  });
});

describe('run events across processes', () => {
  it('reach an API process from a worker in another process', async () => {
    const apiOnly = await startHarness({ worker: false });
    const worker = spawnJunction('worker', { DATABASE_URL: apiOnly.database.url, JUNCTION_WORKER_CONCURRENCY: '2' });
    try {
      await worker.waitFor(/worker started/);
      const id = await apiOnly.createWorkflow({
        nodes: [
          { id: 't', type: 'trigger.manual', name: 'Start' },
          { id: 'h', type: 'connector.http', name: 'Post to ERP', params: { method: 'POST', url: `${erp.url}/orders` } },
        ],
        edges: [edge('t', 'h')],
      });
      const started = await apiOnly.call('POST', `/api/workflows/${id}/run?watch=true`, { total: 1 });
      const releaser = setInterval(() => release.splice(0).forEach((go) => go()), 200);
      const events = await readEvents(await apiOnly.app.request(`/api/runs/${started.body.runId}/events`, { headers: { authorization: `Bearer ${apiOnly.owner.key}` } }));
      clearInterval(releaser);
      // Step events come only from the worker's notifications (the row is polled as snapshots).
      expect(events.filter((e) => e.event === 'step').map((e) => `${e.data.nodeId}:${e.data.status}`)).toEqual(expect.arrayContaining(['h:running', 'h:succeeded']));
      expect(events.at(-1)).toMatchObject({ event: 'run', data: { status: 'succeeded' } });
    } finally {
      await worker.kill();
      await apiOnly.close();
    }
  });
});

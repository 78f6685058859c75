import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;
/** manual → fields(set tag) → noop */
let good: string;
/** manual → http to a closed port, one attempt: fails */
let bad: string;
const goodRuns: string[] = [];
const badRuns: string[] = [];
/** A time between the first and the second batch of runs. */
let between: Date;

const manual = { id: 't', type: 'trigger.manual', name: 'Start' };
const edge = (source: string, target: string) => ({ source, sourcePort: 'main', target, targetPort: 'main' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function start(workflowId: string, input: unknown = {}): Promise<string> {
  const response = await h.call('POST', `/api/workflows/${workflowId}/run`, input);
  expect(response.status).toBe(202);
  return response.body.runId;
}

beforeAll(async () => {
  h = await startHarness();
  good = await h.createWorkflow(
    {
      nodes: [
        manual,
        { id: 'f', type: 'transform.fields', name: 'Tag', params: { operations: [{ op: 'set', field: 'tag', value: 'seen' }] } },
        { id: 'n', type: 'logic.noop', name: 'Done' },
      ],
      edges: [edge('t', 'f'), edge('f', 'n')],
    },
    'Good',
  );
  bad = await h.createWorkflow(
    {
      nodes: [
        manual,
        { id: 'h', type: 'connector.http', name: 'Call', params: { url: 'http://127.0.0.1:1/down' }, retry: { maxAttempts: 1, backoffMs: 0, maxBackoffMs: 0 } },
      ],
      edges: [edge('t', 'h')],
    },
    'Bad',
  );
  goodRuns.push(await start(good, { n: 1 }), await start(good, { n: 2 }));
  badRuns.push(await start(bad));
  for (const id of [...goodRuns, ...badRuns]) await h.waitForRun(id);
  await sleep(50);
  between = new Date();
  await sleep(50);
  goodRuns.push(await start(good, { n: 3 }));
  badRuns.push(await start(bad));
  for (const id of [...goodRuns, ...badRuns]) await h.waitForRun(id);
});

afterAll(async () => {
  await h?.close();
});

const list = async (query: string) => {
  const response = await h.call('GET', `/api/runs?${query}`);
  expect(response.status).toBe(200);
  return response.body as { runs: any[]; nextCursor: string | null };
};
const ids = (page: { runs: any[] }) => page.runs.map((run) => run.id);

describe('GET /api/runs', () => {
  it('lists runs newest first', async () => {
    const page = await list('');
    const created = [goodRuns[0], goodRuns[1], badRuns[0], goodRuns[2], badRuns[1]];
    expect(ids(page)).toEqual([...created].reverse());
    expect(page.nextCursor).toBeNull();
    expect(page.runs[0]).toMatchObject({ workflowId: bad, status: 'failed', mode: 'manual', triggerNodeId: 't', retryOf: null, cancelRequested: false });
    expect(page.runs[0].error).toMatchObject({ nodeId: 'h' });
    expect(page.runs[0]).not.toHaveProperty('input');
  });

  it('filters by workflow', async () => {
    expect(ids(await list(`workflowId=${good}`))).toEqual([...goodRuns].reverse());
    expect(ids(await list(`workflowId=${bad}`))).toEqual([...badRuns].reverse());
    expect(ids(await list('workflowId=00000000-0000-4000-8000-000000000000'))).toEqual([]);
    const invalid = await h.call('GET', '/api/runs?workflowId=nope');
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: 'invalid_request', path: 'workflowId' });
  });

  it('filters by status, one or several', async () => {
    expect(ids(await list('status=failed'))).toEqual([...badRuns].reverse());
    expect(ids(await list('status=succeeded'))).toEqual([...goodRuns].reverse());
    expect((await list('status=succeeded,%20failed')).runs).toHaveLength(5);
    expect((await list('status=queued,running')).runs).toHaveLength(0);
  });

  it('refuses an unknown status', async () => {
    const response = await h.call('GET', '/api/runs?status=failed,bogus');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_request');
    expect(response.body.error.path).toBe('status[1]');
    expect(response.body.error.message).toContain('Use one or more of: queued, running, waiting, succeeded, failed, cancelled');
  });

  it('filters by a time range', async () => {
    expect(ids(await list(`from=${between.toISOString()}`))).toEqual([badRuns[1], goodRuns[2]]);
    expect(ids(await list(`to=${between.toISOString()}`))).toEqual([badRuns[0], goodRuns[1], goodRuns[0]]);
    const offset = between.toISOString().replace('Z', '+00:00');
    expect(ids(await list(`from=${encodeURIComponent(offset)}&status=failed`))).toEqual([badRuns[1]]);
    expect(ids(await list(`from=${between.toISOString()}&to=${between.toISOString()}`))).toEqual([]);
    for (const garbage of ['from=yesterday', 'to=2026-13-01', 'from=2026-11-25T08:00']) {
      const invalid = await h.call('GET', `/api/runs?${garbage}`);
      expect(invalid.status, garbage).toBe(400);
      expect(invalid.body.error).toMatchObject({ code: 'invalid_request', path: garbage.split('=')[0] });
      expect(invalid.body.error.message).toContain('Give a date (2026-11-25: the whole day, UTC) or a time with its offset');
    }
  });

  it('takes a date for a whole day in UTC: from its start, to its end', async () => {
    const all = [badRuns[1], goodRuns[2], badRuns[0], goodRuns[1], goodRuns[0]];
    const { runs } = await list('');
    // The days the runs were made on: one day, unless the test ran across midnight UTC.
    const first = runs.at(-1).createdAt.slice(0, 10) as string;
    const last = runs[0].createdAt.slice(0, 10) as string;
    const day = (date: string, offset: number) => new Date(Date.parse(`${date}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
    expect(ids(await list(`from=${first}&to=${last}`))).toEqual(all);
    expect(ids(await list(`from=${first}`))).toEqual(all);
    // A date in "to" is the whole day: runs made after its start are in.
    expect(ids(await list(`to=${last}`))).toEqual(all);
    expect(ids(await list(`from=${day(last, 1)}`))).toEqual([]);
    expect(ids(await list(`to=${day(first, -1)}`))).toEqual([]);
    expect(ids(await list(`from=${first}&to=${between.toISOString()}`))).toEqual([badRuns[0], goodRuns[1], goodRuns[0]]);
  });

  it('refuses a limit out of range', async () => {
    for (const limit of ['0', '501', 'x']) {
      const response = await h.call('GET', `/api/runs?limit=${limit}`);
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'invalid_request', path: 'limit' });
    }
  });

  it('pages by keyset: no run twice, none missing, stable while new runs arrive', async () => {
    const paged = await h.createWorkflow({ nodes: [manual] }, 'Paged');
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push(await start(paged, { i }));
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    let added = 0;
    do {
      const page: { runs: any[]; nextCursor: string | null } = await list(`workflowId=${paged}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      sizes.push(page.runs.length);
      seen.push(...ids(page));
      cursor = page.nextCursor;
      // Runs started while paging are newer than any cursor: they must not shift the pages.
      if (added++ < 2) await start(paged, { late: added });
    } while (cursor);
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual([...created].reverse());
    expect((await list(`workflowId=${paged}`)).runs).toHaveLength(9);
  });

  it('refuses a cursor it did not give out', async () => {
    const cursors = ['garbage', Buffer.from('12|x').toString('base64url'), Buffer.from('1e3').toString('base64url'), '%25%25'];
    for (const cursor of cursors) {
      const response = await h.call('GET', `/api/runs?cursor=${cursor}`);
      expect(response.status, cursor).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'invalid_cursor', path: 'cursor' });
    }
  });
});

describe('GET /api/runs/:id', () => {
  it('shows every step with its input, output, attempts and timings', async () => {
    const response = await h.call('GET', `/api/runs/${goodRuns[0]}`);
    expect(response.status).toBe(200);
    const run = response.body;
    expect(run).toMatchObject({ id: goodRuns[0], workflowId: good, status: 'succeeded', mode: 'manual', error: null, input: [{ json: { n: 1 } }] });
    expect(run.output).toEqual([{ json: { n: 1, tag: 'seen' }, pairedItem: 0 }]);
    expect(Date.parse(run.createdAt)).toBeLessThanOrEqual(Date.parse(run.startedAt));
    expect(Date.parse(run.startedAt)).toBeLessThanOrEqual(Date.parse(run.finishedAt));
    expect(run.steps.map((s: any) => [s.nodeId, s.name, s.type, s.status])).toEqual([
      ['t', 'Start', 'trigger.manual', 'succeeded'],
      ['f', 'Tag', 'transform.fields', 'succeeded'],
      ['n', 'Done', 'logic.noop', 'succeeded'],
    ]);
    const tag = run.steps[1];
    expect(tag.input).toEqual([{ json: { n: 1 } }]);
    expect(tag.output).toEqual({ main: [{ json: { n: 1, tag: 'seen' }, pairedItem: 0 }] });
    expect(tag.attempt).toBe(1);
    expect(tag.error).toBeNull();
    expect(tag.attempts).toHaveLength(1);
    expect(tag.attempts[0]).toMatchObject({ attempt: 1, status: 'succeeded' });
    expect(Date.parse(tag.startedAt)).toBeLessThanOrEqual(Date.parse(tag.finishedAt));
    // The run started when its first step did, not when its last checkpoint was written.
    expect(run.startedAt).toBe(run.steps[0].startedAt);
    expect(run.steps[0].input).toEqual(run.input);
    expect(run.steps[2].input).toEqual(tag.output.main);
  });

  it('shows the error of a failed step and of the run', async () => {
    const run = (await h.call('GET', `/api/runs/${badRuns[0]}`)).body;
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ nodeId: 'h' });
    expect(typeof run.error.message).toBe('string');
    const step = run.steps.find((s: any) => s.nodeId === 'h');
    expect(step).toMatchObject({ status: 'failed', attempt: 1, output: null });
    expect(step.error.message).toBe(run.error.message);
    expect(step.attempts.map((a: any) => a.status)).toEqual(['failed']);
  });

  it('answers 404 for an unknown run and 400 for a bad id', async () => {
    const missing = await h.call('GET', '/api/runs/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const bad = await h.call('GET', '/api/runs/123');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_request', path: 'id' });
  });
});

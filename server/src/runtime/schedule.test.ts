/**
 * Schedules with a worker and a clock the test moves (no test waits for real minutes):
 * activation starts a timer, each firing starts exactly one run however often its job
 * runs, missed firings and overlaps follow the node's policies, and deactivating or
 * saving reschedules at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setInstanceTimeZone } from '@junction/nodes';
import { serverCatalogue } from '@junction/nodes/server';
import { loadConfig } from '../config.ts';
import { TRIGGER_TASK, type TriggerJob } from '../db/queries/triggers.ts';
import { startHarness, type Harness } from '../testing/harness.ts';
import { fireTimer } from './timers.ts';
import { CredentialResolver } from '../vault/resolve.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const scheduled = (params: Record<string, unknown>, tail: unknown[] = [{ id: 'end', type: 'logic.noop', name: 'End' }]) => ({
  nodes: [{ id: 'clock', type: 'trigger.schedule', name: 'Every morning', params }, ...tail],
  edges: tail.length > 0 ? [{ source: 'clock', target: (tail[0] as { id: string }).id }] : [],
  settings: { timezone: 'Asia/Taipei' },
});

async function activate(graph: unknown): Promise<string> {
  const id = await h.createWorkflow(graph);
  expect((await h.call('POST', `/api/workflows/${id}/activate`)).status).toBe(200);
  return id;
}

/** The timer's job as it waits in the queue. */
async function jobOf(workflowId: string): Promise<{ run_at: Date; payload: TriggerJob } | undefined> {
  const { rows } = await h.database.pool.query(
    `select j.run_at, p.payload from graphile_worker.jobs j join graphile_worker._private_jobs p on p.id = j.id where j.key = $1`,
    [`${TRIGGER_TASK}:${workflowId}:clock`],
  );
  return rows[0];
}

async function runsOf(workflowId: string): Promise<{ id: string; status: string; fired_for: Date; input: { json: Record<string, unknown> }[]; waits_for: string | null }[]> {
  const { rows } = await h.database.pool.query('select id, status, fired_for, input, waits_for from runs where workflow_id = $1 order by fired_for, seq', [workflowId]);
  return rows;
}

const fire = (job: TriggerJob, now: Date) =>
  fireTimer({ pool: h.database.pool, nodes: serverCatalogue, credentials: new CredentialResolver(h.database.pool, h.security.keyring), now: () => now }, job);

describe('trigger.schedule', () => {
  it('activating starts a timer at the next firing in the schedule\'s time zone, and the triggers API lists the next ones', async () => {
    const id = await activate(scheduled({ rule: { every: 'day', time: '07:30' } }));
    const job = await jobOf(id);
    expect(job).toBeDefined();
    // 07:30 in Asia/Taipei is 23:30 UTC the day before.
    expect(job!.run_at.toISOString()).toMatch(/T23:30:00\.000Z$/);
    expect(job!.run_at.getTime()).toBeGreaterThan(Date.now());
    const { body } = await h.call('GET', `/api/workflows/${id}/triggers`);
    expect(body.triggers).toHaveLength(1);
    expect(body.triggers[0]).toMatchObject({ nodeId: 'clock', kind: 'schedule', active: true, timezone: 'Asia/Taipei' });
    expect(body.triggers[0].next).toHaveLength(5);
    expect(body.triggers[0].next[0]).toBe(job!.run_at.toISOString());
  });

  it("a workflow that names no time zone runs in Junction's own (JUNCTION_TIMEZONE), else UTC", async () => {
    expect(() => loadConfig({ JUNCTION_TIMEZONE: 'Mars/Olympus' })).toThrow(/JUNCTION_TIMEZONE.*IANA name/s);
    expect(loadConfig({}).JUNCTION_TIMEZONE).toBe('UTC');
    const graph = { ...scheduled({ rule: { every: 'day', time: '07:30' } }), settings: {} };
    const utc = await activate(graph);
    expect((await jobOf(utc))!.run_at.toISOString()).toMatch(/T07:30:00\.000Z$/);
    setInstanceTimeZone(loadConfig({ JUNCTION_TIMEZONE: 'Europe/Warsaw' }).JUNCTION_TIMEZONE);
    try {
      const warsaw = await activate(graph);
      const { body } = await h.call('GET', `/api/workflows/${warsaw}/triggers`);
      expect(body.triggers[0].timezone).toBe('Europe/Warsaw');
      // 07:30 in Warsaw is 06:30 UTC in winter, 05:30 in summer.
      expect((await jobOf(warsaw))!.run_at.toISOString()).toMatch(/T0[56]:30:00\.000Z$/);
    } finally {
      setInstanceTimeZone('UTC');
    }
  });

  it('fires one run per instant, however often its job runs, and brings the job back at the next firing', async () => {
    const id = await activate(scheduled({ rule: { every: 'minutes', interval: 15 } }));
    const job = (await jobOf(id))!;
    const at = new Date(job.payload.at);
    await fire(job.payload, new Date(at.getTime() + 1000));
    // The same job again (a worker died before completing it): nothing new.
    await fire(job.payload, new Date(at.getTime() + 2000));
    const runs = await runsOf(id);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.fired_for.toISOString()).toBe(at.toISOString());
    expect(runs[0]!.input[0]!.json).toMatchObject({ scheduledFor: at.toISOString(), timezone: 'Asia/Taipei', late: false });
    const next = (await jobOf(id))!;
    expect(new Date(next.payload.at).toISOString()).toBe(new Date(at.getTime() + 15 * 60_000).toISOString());
    expect((await h.waitForRun(runs[0]!.id)).status).toBe('succeeded');
  });

  it('after Junction was stopped: the latest missed firing, none, or each of them up to the limit', async () => {
    for (const [missed, expected] of [
      ['latest', 1],
      ['none', 0],
      ['all', 3],
    ] as const) {
      const id = await activate(scheduled({ rule: { every: 'minutes', interval: 5 }, missed, catchUpLimit: 3 }));
      const job = (await jobOf(id))!;
      // Down for an hour: the job runs 62½ minutes after its instant, so even the firing
      // 60 minutes after it is more than a minute late.
      const now = new Date(new Date(job.payload.at).getTime() + 62 * 60_000 + 30_000);
      await fire(job.payload, now);
      const runs = await runsOf(id);
      expect(runs, missed).toHaveLength(expected);
      for (const run of runs) expect(run.input[0]!.json.late, missed).toBe(true);
      if (missed === 'latest') expect(runs[0]!.fired_for.toISOString()).toBe(new Date(new Date(job.payload.at).getTime() + 60 * 60_000).toISOString());
      // Either way the job is back at the next instant after now, not in the past.
      expect(new Date((await jobOf(id))!.payload.at).getTime()).toBeGreaterThan(now.getTime());
    }
  });

  it('when the previous run is still going: skip, or queue behind it', async () => {
    const waiting = [{ id: 'pause', type: 'logic.wait', name: 'Pause', params: { waitFor: { mode: 'callback' } } }];
    const skip = await activate(scheduled({ rule: { every: 'minutes', interval: 1 }, overlap: 'skip' }, waiting));
    const first = (await jobOf(skip))!;
    await fire(first.payload, new Date(new Date(first.payload.at).getTime() + 1000));
    await expect.poll(async () => (await runsOf(skip))[0]?.status).toBe('waiting');
    const second = (await jobOf(skip))!;
    await fire(second.payload, new Date(new Date(second.payload.at).getTime() + 1000));
    expect(await runsOf(skip)).toHaveLength(1);

    const queue = await activate(scheduled({ rule: { every: 'minutes', interval: 1 }, overlap: 'queue' }, waiting));
    const one = (await jobOf(queue))!;
    await fire(one.payload, new Date(new Date(one.payload.at).getTime() + 1000));
    await expect.poll(async () => (await runsOf(queue))[0]?.status).toBe('waiting');
    const two = (await jobOf(queue))!;
    await fire(two.payload, new Date(new Date(two.payload.at).getTime() + 1000));
    const [a, b] = await runsOf(queue);
    expect(b!.waits_for).toBe(a!.id);
    // It stays queued while the first waits; cancelling the first lets it start.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await runsOf(queue))[1]!.status).toBe('queued');
    await h.call('POST', `/api/runs/${a!.id}/cancel`);
    await expect.poll(async () => (await runsOf(queue))[1]!.status, { timeout: 15_000 }).toBe('waiting');
  });

  it('deactivating stops the timer; saving a new version reschedules at once; a stale job starts nothing', async () => {
    const id = await activate(scheduled({ rule: { every: 'day', time: '07:30' } }));
    const old = (await jobOf(id))!;
    const workflow = (await h.call('GET', `/api/workflows/${id}`)).body;
    const saved = await h.call('PUT', `/api/workflows/${id}`, { graph: scheduled({ rule: { every: 'day', time: '08:45' } }) });
    expect(saved.status).toBe(200);
    const rescheduled = (await jobOf(id))!;
    expect(rescheduled.payload.versionId).not.toBe(workflow.versionId);
    expect(rescheduled.run_at.toISOString()).toMatch(/T00:45:00\.000Z$/);
    // The job of the old version fires nothing.
    await fire(old.payload, new Date(new Date(old.payload.at).getTime() + 1000));
    expect(await runsOf(id)).toHaveLength(0);
    expect((await h.call('POST', `/api/workflows/${id}/deactivate`)).status).toBe(200);
    expect(await jobOf(id)).toBeUndefined();
    expect((await h.call('GET', `/api/workflows/${id}/triggers`)).body.triggers[0]).toMatchObject({ active: false });
  });

  it('refuses a schedule that never fires, fires every second, or names no time zone', async () => {
    for (const [params, problem] of [
      [{ rule: { every: 'cron', expression: '0 0 30 2 *' } }, /never fires/],
      [{ rule: { every: 'cron', expression: '* * * * * *' } }, /at most once a minute/],
      [{ rule: { every: 'day', time: '07:30' }, timezone: 'Mars/Olympus' }, /Not a time zone/],
    ] as const) {
      const response = await h.call('POST', '/api/workflows', { name: 'Bad schedule', graph: scheduled(params) });
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(problem);
    }
  });
});

describe('two workers', () => {
  it('each firing starts exactly one run', { timeout: 30_000 }, async () => {
    const second = await h.startWorker();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await activate(scheduled({ rule: { every: 'minutes', interval: 1 } })));
    // Make every timer due now: both workers race for the jobs.
    await h.database.pool.query(
      `update graphile_worker._private_jobs set run_at = now(), payload = jsonb_set(payload::jsonb, '{at}', to_jsonb((now() - interval '1 second')::text))::json
       where key like 'trigger:%'`,
    );
    for (const id of ids) await expect.poll(async () => (await runsOf(id)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const id of ids) expect(await runsOf(id)).toHaveLength(1);
    await second.stop();
  });
});

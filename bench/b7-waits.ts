/**
 * B7 — waiting runs hold no worker.
 *
 * N runs of manual trigger → logic.wait (an approval, open for a week) → logic.noop are
 * started through the API and left waiting. With them waiting, B1's flow (webhook →
 * fields → if → noop, see b1-webhook.ts) runs under B1's load for `duration` seconds,
 * beside a B1 window measured just before the runs were put to wait; then every waiting
 * run is approved through its resume URL (POST /api/resume/<token>) and the bench waits
 * until all have finished. Starting and resuming keep `connections` requests in flight, as
 * B1's load does. `rounds` repeats this, so windows without and with waiting
 * runs alternate on a machine whose load moves.
 *
 * A resume URL's token is what the runtime itself signs (runtime/resume.ts) with the
 * instance's secret, read from the bench database as every Junction process reads it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import type { Result } from 'autocannon';
import { instanceSecret } from '../server/src/db/queries/instance-secrets.ts';
import { giveJobsToUnfinishedRuns } from '../server/src/db/queries/workers.ts';
import { RESUME_SECRET, resumeToken } from '../server/src/runtime/resume.ts';
import { graph as b1Graph, load, MARKER, orderBodies, STEPS_PER_RUN } from './b1-webhook.ts';
import {
  api,
  benchClassifier,
  cpuSnapshot,
  cpuUse,
  createDatabase,
  formatCpu,
  machine,
  machineLine,
  rssMiB,
  sleep,
  startJunction,
  type BenchDatabase,
  type CpuUse,
  type JunctionChild,
  type ScenarioOptions,
  type ScenarioResult,
} from './harness.ts';

const WAIT_NODE = 'approve';
const WAIT_STEPS_PER_RUN = 3;
const UNFINISHED = `('queued', 'running', 'waiting')`;
/** A pause before each window and reading, so neither starts in the wake of a burst. */
const SETTLE_MS = 2000;

function waitGraph() {
  return {
    nodes: [
      { id: 'start', type: 'trigger.manual', name: 'Start', params: {}, position: [0, 0] },
      {
        id: WAIT_NODE,
        type: 'logic.wait',
        name: 'Manager approval',
        params: { waitFor: { mode: 'approval', message: 'Purchase order for approval', expiresIn: 7, expiresUnit: 'days', onExpiry: 'reject' } },
        position: [240, 0],
      },
      { id: 'done', type: 'logic.noop', name: 'Done', params: {}, position: [480, 0] },
    ],
    edges: [
      { source: 'start', sourcePort: 'main', target: WAIT_NODE, targetPort: 'main' },
      { source: WAIT_NODE, sourcePort: 'main', target: 'done', targetPort: 'main' },
    ],
    settings: { timezone: 'UTC', timeoutSeconds: 600 },
  };
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const loadAverage = () => round(os.loadavg()[0]!, 2);

/** `count` calls of `call(i)`, `inFlight` at a time. */
async function inParallel(count: number, inFlight: number, call: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, count) }, async () => {
      while (next < count) await call(next++);
    }),
  );
}

/** Resident memory (MiB) of the Junction process and of its child processes (the sandbox's), Linux only. */
function junctionRss(pid: number | undefined): { junction: number | null; children: number | null } {
  if (pid === undefined) return { junction: null, children: null };
  const children: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const listed = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (listed) children.push(...listed.split(/\s+/).map(Number));
    }
  } catch {
    return { junction: rssMiB(pid), children: null }; // not Linux, or the process is gone
  }
  const sizes = children.map((child) => rssMiB(child) ?? 0);
  return { junction: rssMiB(pid), children: round(sizes.reduce((sum, size) => sum + size, 0)) };
}

interface Window {
  waiting: number;
  runsPerSecond: number;
  latencyMs: { p50: number; p99: number; mean: number; max: number };
  ok: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  mismatches: number;
  loadAverage: { before: number; after: number };
  cpu: CpuUse | null;
  junctionRssMiB: { junction: number | null; children: number | null };
  /** CPU time of Junction and of PostgreSQL's bench database per B1 run: steadier than runs/s on a shared machine. */
  cpuMsPerRun: number | null;
}

interface Round {
  without: Window;
  with: Window;
  putToWait: { runs: number; requestsMs: number; allWaitingMs: number; perSecond: number };
  whileWaiting: {
    junctionRssMiB: { before: ReturnType<typeof junctionRss>; after: ReturnType<typeof junctionRss> };
    /** Median time of the workers' sweep for unfinished runs without a job (each worker runs it about once a second). */
    sweepMs: { before: number; after: number };
    jobs: { total: number; locked: number; dueWithinAnHour: number };
    bytes: { runs: number; steps: number; jobs: number; perRun: number };
    databaseGrowthBytes: number;
  };
  resume: { requestsMs: number; allFinishedMs: number; perSecond: number; answered: Record<string, number> };
  order: 'without first' | 'with first';
}

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  let database: BenchDatabase | null = null;
  let junction: JunctionChild | null = null;
  let pool: pg.Pool | null = null;
  const waiting = options.waiting;
  try {
    database = await createDatabase('junction_bench_b7');
    junction = await startJunction({ databaseUrl: database.url });
    const base = junction.url;
    pool = new pg.Pool({ connectionString: database.url, max: 4, application_name: 'junction-bench' });
    pool.on('error', () => undefined); // a connection cut by the database's drop on the way out
    const one = async <Row extends pg.QueryResultRow>(text: string, values?: unknown[]) => (await pool!.query<Row>(text, values)).rows[0]!;

    const path = `bench/b7-${Date.now().toString(36)}`;
    const b1 = await api<{ id: string }>(base, 'POST', '/api/workflows', { name: 'B1 webhook order', graph: b1Graph(path) });
    await api(base, 'POST', `/api/workflows/${b1.id}/activate`);
    const waiter = await api<{ id: string }>(base, 'POST', '/api/workflows', { name: 'B7 waits for approval', graph: waitGraph() });
    const hookUrl = `${base}/hooks/${path}`;
    const bodies = orderBodies(1000);
    const probe = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[0] });
    const probeText = await probe.text();
    if (probe.status !== 200 || !probeText.includes(MARKER)) throw new Error(`the webhook answered ${probe.status} ${probeText.slice(0, 500)}; expected 200 with ${MARKER}`);
    // The key the runtime signs resume URLs with: Junction made it when it started.
    const secret = await instanceSecret(pool, RESUME_SECRET);

    const classify = benchClassifier(junction.child.pid, database.name);
    const drained = async (timeoutMs = 120_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { open } = await one<{ open: number }>(`select count(*)::int as open from runs where workflow_id = $1 and status in ${UNFINISHED}`, [b1.id]);
        if (open === 0) return;
        if (Date.now() > deadline) throw new Error(`${open} B1 runs were still unfinished ${timeoutMs} ms after the load stopped`);
        await sleep(100);
      }
    };
    // What every worker does about once a second (runtime/worker.ts): look among the unfinished
    // runs, waiting ones included, for any without a job. Run as the worker runs it; with
    // nothing stranded it adds no job.
    const sweepMs = async () => {
      const times: number[] = [];
      for (let i = 0; i < 15; i++) {
        const started = performance.now();
        const { stranded } = await giveJobsToUnfinishedRuns(pool!);
        times.push(performance.now() - started);
        if (stranded.length > 0) throw new Error(`${stranded.length} unfinished runs had no job (${stranded[0]})`);
      }
      return round(times.sort((a, b) => a - b)[7]!, 2);
    };
    const countWaiting = async () =>
      (await one<{ n: number }>(`select count(*)::int as n from runs where status = 'waiting' and workflow_id = $1`, [waiter.id])).n;
    const measure = async (): Promise<Window> => {
      await sleep(SETTLE_MS);
      const before = loadAverage();
      const waitingNow = await countWaiting();
      const cpuBefore = cpuSnapshot(classify);
      const result: Result = await load(hookUrl, bodies, options.duration, options.connections);
      const cpu = cpuUse(cpuBefore, cpuSnapshot(classify));
      const rss = junctionRss(junction!.child.pid);
      await drained();
      const ok = result.statusCodeStats['200']?.count ?? 0;
      return {
        waiting: waitingNow,
        runsPerSecond: round(ok / result.duration),
        latencyMs: { p50: result.latency.p50, p99: result.latency.p99, mean: round(result.latency.average, 2), max: result.latency.max },
        ok,
        errors: result.errors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        mismatches: result.mismatches,
        loadAverage: { before, after: loadAverage() },
        cpu,
        junctionRssMiB: rss,
        cpuMsPerRun: cpu && ok > 0 ? round(((cpu.percentOfOneCore.junction + cpu.percentOfOneCore['postgres (bench database)']) * 10 * result.duration) / ok, 2) : null,
      };
    };

    if (options.warmup > 0) await load(hookUrl, bodies, options.warmup, options.connections);
    await drained();

    const rounds: Round[] = [];
    for (let r = 0; r < options.rounds; r++) {
      // Without, then with waiting runs; the next round the other way round (A B B A ...),
      // so whatever comes of a window's place in the sequence falls on both alike.
      const withFirst = r % 2 === 1;
      let without = withFirst ? null : await measure();

      // Put N runs to wait: from the first request until the last of them waits.
      const sizeBefore = (await one<{ size: string }>('select pg_database_size(current_database())::text as size')).size;
      const rssBefore = junctionRss(junction.child.pid);
      const sweepBefore = await sweepMs();
      const runIds: string[] = [];
      const started = performance.now();
      await inParallel(waiting, options.connections, async () => {
        runIds.push((await api<{ runId: string }>(base, 'POST', `/api/workflows/${waiter.id}/run`, { po: `PO-${runIds.length}` })).runId);
      });
      const requestsMs = performance.now() - started;
      for (const deadline = Date.now() + 300_000; (await countWaiting()) < waiting; ) {
        if (Date.now() > deadline) throw new Error(`only ${await countWaiting()} of ${waiting} runs were waiting 300 s after they were started`);
        await sleep(50);
      }
      const allWaitingMs = performance.now() - started;
      await sleep(SETTLE_MS); // let the worker settle, so its memory is that of waiting, not of starting
      const rssAfter = junctionRss(junction.child.pid);
      const sweepAfter = await sweepMs();
      const jobs = await one<{ total: number; locked: number; due: number }>(
        `select count(*)::int as total, count(*) filter (where locked_at is not null)::int as locked,
           count(*) filter (where run_at < now() + interval '1 hour')::int as due
         from graphile_worker._private_jobs`,
      );
      const bytes = await one<{ runs: string; steps: string; jobs: string }>(
        `select (select sum(pg_column_size(r.*)) from runs r where r.id = any($1::uuid[]))::text as runs,
           (select sum(pg_column_size(s.*)) from steps s where s.run_id = any($1::uuid[]))::text as steps,
           (select sum(pg_column_size(j.*)) from graphile_worker._private_jobs j where j.key = any(select 'run:' || unnest($1::text[])))::text as jobs`,
        [runIds],
      );
      const sizeAfter = (await one<{ size: string }>('select pg_database_size(current_database())::text as size')).size;

      const withWaiting = await measure();
      if (withWaiting.waiting !== waiting || (await countWaiting()) !== waiting) {
        throw new Error(`${waiting} runs were put to wait, but ${withWaiting.waiting} waited when the load began and ${await countWaiting()} after it`);
      }

      // Approve every waiting run through its resume URL; time until all have finished.
      const answered: Record<string, number> = {};
      const resumeStarted = performance.now();
      await inParallel(runIds.length, options.connections, async (i) => {
        const response = await fetch(`${base}/api/resume/${resumeToken(secret, runIds[i]!, WAIT_NODE)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ decision: 'approve', comment: 'bench' }),
        });
        await response.arrayBuffer();
        answered[response.status] = (answered[response.status] ?? 0) + 1;
      });
      const resumeRequestsMs = performance.now() - resumeStarted;
      for (const deadline = Date.now() + 300_000; ; ) {
        const { open } = await one<{ open: number }>(`select count(*)::int as open from runs where workflow_id = $1 and status in ${UNFINISHED}`, [waiter.id]);
        if (open === 0) break;
        if (Date.now() > deadline) throw new Error(`${open} approved runs were still unfinished 300 s after their approvals`);
        await sleep(50);
      }
      const allFinishedMs = performance.now() - resumeStarted;
      without ??= await measure();
      if (without.waiting !== 0) throw new Error(`${without.waiting} runs were waiting during a window meant to have none`);

      const runsBytes = Number(bytes.runs), stepsBytes = Number(bytes.steps), jobsBytes = Number(bytes.jobs);
      rounds.push({
        without,
        with: withWaiting,
        putToWait: { runs: waiting, requestsMs: round(requestsMs), allWaitingMs: round(allWaitingMs), perSecond: round(waiting / (allWaitingMs / 1000)) },
        whileWaiting: {
          junctionRssMiB: { before: rssBefore, after: rssAfter },
          sweepMs: { before: sweepBefore, after: sweepAfter },
          jobs: { total: jobs.total, locked: jobs.locked, dueWithinAnHour: jobs.due },
          bytes: { runs: runsBytes, steps: stepsBytes, jobs: jobsBytes, perRun: Math.round((runsBytes + stepsBytes + jobsBytes) / waiting) },
          databaseGrowthBytes: Number(sizeAfter) - Number(sizeBefore),
        },
        resume: { requestsMs: round(resumeRequestsMs), allFinishedMs: round(allFinishedMs), perSecond: round(waiting / (allFinishedMs / 1000)), answered },
        order: withFirst ? 'with first' : 'without first',
      });
    }

    // Every run of the bench: B1's succeeded with their four steps; the approved ones with three, through main.
    const totals = await one<{ b1_runs: number; b1_ok: number; b1_steps: number; w_runs: number; w_ok: number; w_steps: number; approved: number }>(
      `select
         (select count(*)::int from runs where workflow_id = $1) as b1_runs,
         (select count(*)::int from runs where workflow_id = $1 and status = 'succeeded') as b1_ok,
         (select count(*)::int from steps s join runs r on r.id = s.run_id where r.workflow_id = $1 and s.status = 'succeeded') as b1_steps,
         (select count(*)::int from runs where workflow_id = $2) as w_runs,
         (select count(*)::int from runs where workflow_id = $2 and status = 'succeeded') as w_ok,
         (select count(*)::int from steps s join runs r on r.id = s.run_id where r.workflow_id = $2 and s.status = 'succeeded') as w_steps,
         (select count(*)::int from steps s join runs r on r.id = s.run_id
           where r.workflow_id = $2 and s.node_id = '${WAIT_NODE}' and s.wait->'resumed'->'data'->>'decision' = 'approve') as approved`,
      [b1.id, waiter.id],
    );
    const verified =
      totals.b1_ok === totals.b1_runs &&
      totals.b1_steps === STEPS_PER_RUN * totals.b1_runs &&
      totals.w_runs === waiting * options.rounds &&
      totals.w_ok === totals.w_runs &&
      totals.w_steps === WAIT_STEPS_PER_RUN * totals.w_runs &&
      totals.approved === totals.w_runs;
    const junctionWarnings = junction.output().trim();
    await junction.stop();
    junction = null;

    const m = machine(database.serverVersion);
    const mean = (values: number[]) => round(values.reduce((sum, value) => sum + value, 0) / values.length);
    const withouts = rounds.map((r) => r.without), withs = rounds.map((r) => r.with);
    const summary = {
      withoutRunsPerSecond: mean(withouts.map((w) => w.runsPerSecond)),
      withRunsPerSecond: mean(withs.map((w) => w.runsPerSecond)),
      withoutP50: mean(withouts.map((w) => w.latencyMs.p50)),
      withP50: mean(withs.map((w) => w.latencyMs.p50)),
      withoutP99: mean(withouts.map((w) => w.latencyMs.p99)),
      withP99: mean(withs.map((w) => w.latencyMs.p99)),
      withoutCpuMsPerRun: mean(withouts.map((w) => w.cpuMsPerRun ?? NaN)),
      withCpuMsPerRun: mean(withs.map((w) => w.cpuMsPerRun ?? NaN)),
    };
    const data = {
      scenario: 'b7',
      description: `${waiting} runs waiting for an approval while B1 (webhook → fields → if → noop) runs under load; then all approved through their resume URLs`,
      options,
      machine: m,
      rounds,
      summary,
      verification: { ...totals, ok: verified },
      junction: { warnings: junctionWarnings ? junctionWarnings.split('\n').slice(0, 50) : [] },
    };

    const othersCpu = (w: Window) => round((w.cpu?.percentOfOneCore['other processes'] ?? 0) + (w.cpu?.percentOfOneCore['postgres (other)'] ?? 0));
    const failures = (w: Window) => w.errors + w.timeouts + w.non2xx + w.mismatches;
    const windowLine = (label: string, w: Window) =>
      `    ${label.padEnd(20)} ${String(w.runsPerSecond).padStart(6)} runs/s   p50 ${w.latencyMs.p50} ms   p99 ${w.latencyMs.p99} ms   ` +
      `${failures(w)} failed of ${w.ok + failures(w)}   cpu ${w.cpuMsPerRun ?? '?'} ms/run   load ${w.loadAverage.before} → ${w.loadAverage.after}, others ${othersCpu(w)}% of a core`;
    const lines = [
      `B7 waiting runs hold no worker: ${waiting} runs waiting for an approval beside B1 (webhook → fields → if → noop)`,
      `  load          B1: ${options.connections} connections, ${options.duration} s per window, ${options.rounds} round(s), without → with waiting runs, then with → without, ...`,
    ];
    rounds.forEach((r, i) => {
      const w = r.whileWaiting;
      lines.push(
        `  round ${i + 1} (${r.order})`,
        ...(r.order === 'with first'
          ? [windowLine(`B1 with ${r.with.waiting} waiting`, r.with), windowLine('B1 without waiting', r.without)]
          : [windowLine('B1 without waiting', r.without), windowLine(`B1 with ${r.with.waiting} waiting`, r.with)]),
        `    put to wait          ${waiting} runs in ${round(r.putToWait.allWaitingMs / 1000, 2)} s (${r.putToWait.perSecond} runs/s; requests answered in ${round(r.putToWait.requestsMs / 1000, 2)} s)`,
        `    while waiting        jobs ${w.jobs.total} (locked ${w.jobs.locked}, due within an hour ${w.jobs.dueWithinAnHour}); ` +
          `Junction (API + worker) RSS ${w.junctionRssMiB.before.junction ?? '?'} → ${w.junctionRssMiB.after.junction ?? '?'} MiB, sandbox processes ${w.junctionRssMiB.before.children ?? '?'} → ${w.junctionRssMiB.after.children ?? '?'} MiB; ` +
          `sweep for runs without a job ${w.sweepMs.before} → ${w.sweepMs.after} ms`,
        `    database             ${w.bytes.perRun} bytes per waiting run in rows (run ${Math.round(w.bytes.runs / waiting)}, steps ${Math.round(w.bytes.steps / waiting)}, job ${Math.round(w.bytes.jobs / waiting)}); ` +
          `database grew ${round(w.databaseGrowthBytes / 2 ** 20, 2)} MiB (indexes, audit log and free space included)`,
        `    resume all           ${waiting} approvals answered in ${round(r.resume.requestsMs / 1000, 2)} s, all runs finished ${round(r.resume.allFinishedMs / 1000, 2)} s after the first was sent (${JSON.stringify(r.resume.answered)})`,
      );
    });
    lines.push(
      `  mean          without: ${summary.withoutRunsPerSecond} runs/s, p50 ${summary.withoutP50} ms, p99 ${summary.withoutP99} ms, cpu ${summary.withoutCpuMsPerRun} ms/run; ` +
        `with ${waiting} waiting: ${summary.withRunsPerSecond} runs/s, p50 ${summary.withP50} ms, p99 ${summary.withP99} ms, cpu ${summary.withCpuMsPerRun} ms/run`,
      `  recorded      ${verified ? 'ok' : 'FAILED'}: B1 ${totals.b1_ok} of ${totals.b1_runs} runs succeeded (${totals.b1_steps} steps); ` +
        `waiting workflow ${totals.w_ok} of ${totals.w_runs} succeeded, ${totals.approved} approved, ${totals.w_steps} steps`,
      `  cpu (last)    ${formatCpu(withs.at(-1)?.cpu ?? null)}`,
      `  machine       ${machineLine(m)}`,
    );
    if (junctionWarnings) lines.push(`  junction said ${junctionWarnings.split('\n').length} line(s) at warn level or above; see the JSON`);
    return { report: lines.join('\n'), data };
  } finally {
    await pool?.end().catch(() => undefined);
    if (junction) await junction.stop().catch(() => undefined);
    await database?.drop();
  }
}

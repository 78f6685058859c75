/**
 * B1 — webhook to finished run, durably.
 *
 * Workflow: trigger.webhook (respond when finished) → transform.fields (set a field) →
 * logic.if (`{{ $json.total }}` > 500) → logic.noop (on both branches, so every run
 * executes all four steps). Every step is recorded in `steps`.
 *
 * autocannon keeps `connections` connections POSTing JSON orders to /hooks/<path> for
 * `duration` seconds after a warm-up. The webhook answers only when the run has
 * finished, so autocannon's latency is webhook-to-run-finished, and each 200 is one run.
 *
 * Commits per run: the growth of `pg_stat_database.xact_commit` for the bench database
 * over the measured window (load, then draining, then letting PostgreSQL's statistics
 * settle) divided by the runs that succeeded in it; the bench's own queries on that
 * database in the window are subtracted.
 */
import type pg from 'pg';
import autocannon, { type Result } from 'autocannon';
import { rmSync, readFileSync } from 'node:fs';
import {
  api,
  benchClassifier,
  connect,
  cpuSnapshot,
  cpuUse,
  createDatabase,
  formatCpu,
  machine,
  machineLine,
  readCounters,
  RESULTS_DIR,
  rssMiB,
  sleep,
  startJunction,
  STATS_SETTLE_MS,
  type BenchDatabase,
  type Counters,
  type JunctionChild,
  type PgClient,
  type ScenarioOptions,
  type ScenarioResult,
} from './harness.ts';

export const STEPS_PER_RUN = 4;
const BIG_ORDER = 500;
export const MARKER = '"fulfilment":{"status":"received"}';

export function graph(path: string) {
  return {
    nodes: [
      {
        id: 'hook',
        type: 'trigger.webhook',
        name: 'Order received',
        params: { path, method: 'POST', respond: 'whenFinished' },
        position: [0, 0],
      },
      {
        id: 'mark',
        type: 'transform.fields',
        name: 'Mark received',
        params: { operations: [{ op: 'set', field: 'fulfilment.status', value: 'received' }] },
        position: [240, 0],
      },
      {
        id: 'big',
        type: 'logic.if',
        name: 'Big order?',
        params: { conditions: [{ left: '{{ $json.total }}', op: 'gt', right: BIG_ORDER }] },
        position: [480, 0],
      },
      { id: 'done', type: 'logic.noop', name: 'Done', params: {}, position: [720, 0] },
    ],
    edges: [
      { source: 'hook', sourcePort: 'main', target: 'mark', targetPort: 'main' },
      { source: 'mark', sourcePort: 'main', target: 'big', targetPort: 'main' },
      { source: 'big', sourcePort: 'true', target: 'done', targetPort: 'main' },
      { source: 'big', sourcePort: 'false', target: 'done', targetPort: 'main' },
    ],
    settings: { timezone: 'UTC', timeoutSeconds: 600 },
  };
}

/** Deterministic order bodies (a small LCG), some above the "big order" line, most below. */
export function orderBodies(count: number): string[] {
  let seed = 20_261_101;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const skus = ['TEE-BLK-M', 'TEE-WHT-L', 'MUG-CER-01', 'CAP-NVY', 'SOCK-3PK', 'BAG-TOTE', 'HOOD-GRY-XL'];
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const lines = Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({
      sku: skus[Math.floor(random() * skus.length)]!,
      quantity: 1 + Math.floor(random() * 5),
      unitPrice: Math.round((5 + random() * 120) * 100) / 100,
    }));
    const total = Math.round(lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0) * 100) / 100;
    bodies.push(
      JSON.stringify({
        orderId: `SO-${100_000 + i}`,
        channel: random() < 0.7 ? 'web' : 'pos',
        customer: { id: `C-${Math.floor(random() * 50_000)}`, email: `customer${i}@example.com`, tier: random() < 0.2 ? 'gold' : 'standard' },
        currency: 'EUR',
        lines,
        total,
        placedAt: new Date(Date.UTC(2026, 10, 1, 8, 0, i % 86_400)).toISOString(),
      }),
    );
  }
  return bodies;
}

/** Runs the load; `perSecond` gets the number of 200 answers in each second of it. */
export function load(url: string, bodies: string[], seconds: number, connections: number, perSecond: number[] = []): Promise<Result> {
  let next = 0;
  const instance = autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections,
    duration: seconds,
    // Longer than the webhook's own 30 s wait, after which it answers 202.
    timeout: 40,
    requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length]! }) }],
    verifyBody: (body) => body.includes(MARKER),
  });
  const started = Date.now();
  instance.on('response', (_client: unknown, status: number) => {
    if (status !== 200) return;
    const second = Math.floor((Date.now() - started) / 1000);
    while (perSecond.length <= second) perSecond.push(0);
    perSecond[second]!++;
  });
  return instance as unknown as Promise<Result>;
}

/** The bench's own statements on the bench database, so they can be taken out of the commit count. */
class BenchQueries {
  count = 0;
  private readonly client: PgClient;
  constructor(client: PgClient) {
    this.client = client;
  }
  async one<Row extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<Row> {
    this.count++;
    return (await this.client.query<Row>(text, values)).rows[0]!;
  }
}

async function waitForDrain(queries: BenchQueries, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { open } = await queries.one<{ open: number }>(
      `select count(*)::int as open from runs where status not in ('succeeded', 'failed', 'cancelled')`,
    );
    if (open === 0) return;
    if (Date.now() > deadline) throw new Error(`${open} runs were still unfinished ${timeoutMs} ms after the load stopped`);
    await sleep(100);
  }
}

const succeededRuns = async (queries: BenchQueries) =>
  (await queries.one<{ n: number }>(`select count(*)::int as n from runs where status = 'succeeded'`)).n;

const TREND_SECONDS = 5;

/** Mean runs per second over consecutive `TREND_SECONDS` stretches of the load. */
function trend(perSecond: number[]): number[] {
  const means: number[] = [];
  for (let i = 0; i < perSecond.length; i += TREND_SECONDS) {
    const part = perSecond.slice(i, i + TREND_SECONDS);
    means.push(Math.round(part.reduce((sum, n) => sum + n, 0) / part.length));
  }
  return means;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  let database: BenchDatabase | null = null;
  let junction: JunctionChild | null = null;
  let client: PgClient | null = null;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const profileDir = `${RESULTS_DIR}b1-cpu-prof-${stamp}`;
  const queryCountsFile = `${RESULTS_DIR}b1-queries-${stamp}.json`;
  try {
    database = await createDatabase('junction_bench_b1');
    const nodeArgs = [
      ...(options.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
      ...(options.countQueries ? ['--import', new URL('./count-queries.ts', import.meta.url).href] : []),
    ];
    junction = await startJunction({
      databaseUrl: database.url,
      nodeArgs,
      env: options.countQueries ? { BENCH_QUERY_COUNTS: queryCountsFile } : {},
    });

    const path = `bench/b1-${Date.now().toString(36)}`;
    const workflow = await api<{ id: string }>(junction.url, 'POST', '/api/workflows', { name: 'B1 webhook order', graph: graph(path) });
    await api(junction.url, 'POST', `/api/workflows/${workflow.id}/activate`);
    const hookUrl = `${junction.url}/hooks/${path}`;
    const bodies = orderBodies(1000);

    // One request first: the workflow answers as expected before any load.
    const probe = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[0] });
    const probeText = await probe.text();
    if (probe.status !== 200 || !probeText.includes(MARKER)) {
      throw new Error(`the webhook answered ${probe.status} ${probeText.slice(0, 500)}; expected 200 with ${MARKER}`);
    }

    client = await connect(database.url);
    const queries = new BenchQueries(client);

    if (options.warmup > 0) await load(hookUrl, bodies, options.warmup, options.connections);
    await waitForDrain(queries);
    await sleep(STATS_SETTLE_MS);

    const before: Counters = await readCounters(database);
    const queriesBefore = queries.count;
    const runsBefore = await succeededRuns(queries);
    if (options.countQueries) junction.child.kill('SIGUSR2');

    const classify = benchClassifier(junction.child.pid, database.name);
    const rssBefore = rssMiB(junction.child.pid);
    const cpuBefore = cpuSnapshot(classify);
    const perSecond: number[] = [];
    const result = await load(hookUrl, bodies, options.duration, options.connections, perSecond);
    perSecond.splice(Math.round(result.duration)); // answers after the stop do not make a second
    const cpu = cpuUse(cpuBefore, cpuSnapshot(classify));
    const rssAfter = rssMiB(junction.child.pid);

    await waitForDrain(queries);
    await sleep(STATS_SETTLE_MS);
    const after: Counters = await readCounters(database);
    const benchQueriesInWindow = queries.count - queriesBefore;
    const runsAfter = await succeededRuns(queries);

    // Every run of the whole bench (probe and warm-up included): succeeded, four steps recorded.
    const totals = await queries.one<{
      runs: number;
      succeeded: number;
      steps: number;
      steps_succeeded: number;
      runs_with_four: number;
      big: number;
    }>(
      `select
         (select count(*)::int from runs) as runs,
         (select count(*)::int from runs where status = 'succeeded') as succeeded,
         (select count(*)::int from steps) as steps,
         (select count(*)::int from steps where status = 'succeeded') as steps_succeeded,
         (select count(*)::int from (select run_id from steps group by run_id having count(*) = ${STEPS_PER_RUN}) s) as runs_with_four,
         (select count(*)::int from steps where node_id = 'big' and exists (select 1 from jsonb_array_elements(output) o where o->>'port' = 'true' and (o->>'count')::int > 0)) as big`,
    );
    const junctionWarnings = junction.output().trim();

    const exit = await junction.stop();
    junction = null;

    const ok200 = result.statusCodeStats['200']?.count ?? 0;
    const runsInWindow = runsAfter - runsBefore;
    const commits = after.xactCommit - before.xactCommit - benchQueriesInWindow;
    const xids = after.nextXid - before.nextXid;
    const otherCommits = after.otherCommits - before.otherCommits;
    const verified =
      totals.runs === totals.succeeded &&
      totals.steps === STEPS_PER_RUN * totals.runs &&
      totals.steps_succeeded === totals.steps &&
      totals.runs_with_four === totals.runs;
    const m = machine(database.serverVersion);
    const counted = options.countQueries
      ? (JSON.parse(readFileSync(queryCountsFile, 'utf8')) as {
          pool: { acquisitions: number; meanWaitMs: number; maxWaitMs: number };
          statements: { statement: string; count: number; meanMs: number }[];
        })
      : null;

    const data = {
      scenario: 'b1',
      description: 'webhook (respond when finished) → transform.fields → logic.if ({{ $json.total }}) → logic.noop, every step recorded',
      options,
      machine: m,
      load: {
        duration: result.duration,
        connections: result.connections,
        requests: result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'],
        status: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        mismatches: result.mismatches,
      },
      runsPerSecond: round(ok200 / result.duration),
      latencyMs: {
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        mean: round(result.latency.average, 2),
        max: result.latency.max,
      },
      runsPerSecondBySecond: perSecond,
      cpuDuringLoad: cpu,
      junctionRssMiB: { before: rssBefore, after: rssAfter },
      database: {
        runsSucceededInWindow: runsInWindow,
        xactCommit: commits,
        commitsPerRun: runsInWindow > 0 ? round(commits / runsInWindow, 2) : null,
        transactionIdsPerRun: runsInWindow > 0 ? round(xids / runsInWindow, 2) : null,
        benchQueriesSubtracted: benchQueriesInWindow,
        otherDatabasesCommits: otherCommits,
        windowIncludesSettleSeconds: STATS_SETTLE_MS / 1000,
      },
      verification: {
        runs: totals.runs,
        runsSucceeded: totals.succeeded,
        steps: totals.steps,
        stepsSucceeded: totals.steps_succeeded,
        runsWithFourSteps: totals.runs_with_four,
        bigOrders: totals.big,
        ok: verified,
      },
      junction: { exit, warnings: junctionWarnings ? junctionWarnings.split('\n').slice(0, 50) : [] },
      artifacts: {
        cpuProfileDir: options.cpuProf ? profileDir : null,
      },
      queries: counted,
    };

    const lines = [
      `B1 webhook → fields → if → noop (respond when finished, every step recorded)`,
      `  load          ${options.connections} connections, ${result.duration} s measured after ${options.warmup} s warm-up`,
      `  runs/s        ${data.runsPerSecond}  (${ok200} × 200 in ${result.duration} s)`,
      `  latency       p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms   (mean ${data.latencyMs.mean} ms, max ${result.latency.max} ms)`,
      `  errors        ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx, ${result.mismatches} unexpected bodies` +
        (Object.keys(data.load.status).some((code) => code !== '200') ? `  status ${JSON.stringify(data.load.status)}` : ''),
      `  commits/run   ${data.database.commitsPerRun ?? 'n/a'}  (${commits} commits for ${runsInWindow} runs` +
        (otherCommits <= 100 ? `, ${data.database.transactionIdsPerRun ?? 'n/a'} per run writing` : '') + ')',
      `  recorded      ${verified ? 'ok' : 'FAILED'}: ${totals.succeeded} of ${totals.runs} runs succeeded; ${totals.steps} steps` +
        ` (${STEPS_PER_RUN} × ${totals.runs} = ${STEPS_PER_RUN * totals.runs}), ${totals.steps_succeeded} succeeded; ${totals.big} orders took the "true" branch`,
      `  over time     runs/s by ${TREND_SECONDS} s: ${trend(perSecond).join(' ')}; Junction RSS ${rssBefore ?? '?'} → ${rssAfter ?? '?'} MiB`,
      `  cpu           ${formatCpu(cpu)}`,
      `  machine       ${machineLine(m)}`,
    ];
    const othersCpu = (cpu?.percentOfOneCore['other processes'] ?? 0) + (cpu?.percentOfOneCore['postgres (other)'] ?? 0);
    if (othersCpu > 10) lines.push(`  note          other processes used ${round(othersCpu)}% of one core during the load: the machine was not idle`);
    if (otherCommits > 100) lines.push(`  note          ${otherCommits} commits in other databases during the window: the machine was not idle`);
    if (junctionWarnings) lines.push(`  junction said ${junctionWarnings.split('\n').length} line(s) at warn level or above; see the JSON`);
    if (counted) {
      const perRun = (count: number) => round(count / Math.max(1, runsInWindow), 3);
      const total = counted.statements.reduce((sum, s) => sum + s.count, 0);
      lines.push(`  statements    ${perRun(total)} per run sent by Junction (window incl. drain and settle); per run, mean ms:`);
      for (const { statement, count, meanMs } of counted.statements.slice(0, 12)) {
        lines.push(`    ${perRun(count).toString().padStart(6)} ${meanMs.toFixed(2).padStart(7)}  ${statement.slice(0, 100)}`);
      }
      const { pool } = counted;
      lines.push(`  pool wait     ${perRun(pool.acquisitions)} acquisitions per run, mean ${pool.meanWaitMs} ms, max ${pool.maxWaitMs} ms`);
    }
    if (options.cpuProf) lines.push(`  cpu profile   ${profileDir}`);
    return { report: lines.join('\n'), data };
  } finally {
    await client?.end().catch(() => undefined);
    if (junction) await junction.stop().catch(() => undefined);
    await database?.drop();
    rmSync(queryCountsFile, { force: true }); // its contents are in the results JSON
  }
}

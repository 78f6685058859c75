/**
 * B8 — one run of a million items (`--items`) through five steps, as a shop writes it: a manual
 * trigger, a Code step generating the order lines (each one different, so nothing is stored
 * once for two lines), a Fields step computing each line's
 * total with an expression, an If on the total, and a step after it. Junction runs as
 * two processes, an API and a worker, so the worker's memory is its own: the bench prints
 * the worker's peak resident memory (VmHWM) over the run, its sandbox processes', and how
 * long run detail (GET /api/runs/:id) takes to open once the run has finished, with its
 * size, and the first page of a step's items.
 */
import pg from 'pg';
import {
  api,
  childPids,
  createDatabase,
  machine,
  machineLine,
  rssMiB,
  sleep,
  startJunction,
  BENCH_API_KEY,
  type BenchDatabase,
  type JunctionChild,
  type ScenarioOptions,
  type ScenarioResult,
} from './harness.ts';

function graph(items: number) {
  const node = (id: string, type: string, name: string, x: number, params: Record<string, unknown> = {}) => ({ id, type, name, params, position: [x, 0] });
  const nodes = [
    node('start', 'trigger.manual', 'Start', 0),
    node('lines', 'code.javascript', 'Generate order lines', 240, {
      mode: 'allItems',
      code: `return Array.from({ length: ${items} }, (_, i) => ({ json: { sku: 'SKU-' + String(i).padStart(7, '0'), qty: 1 + (i % 9), price: 5 + (i % 200) / 4 } }));`,
    }),
    node('total', 'transform.fields', 'Line total', 480, { operations: [{ op: 'set', field: 'total', value: '{{ $json.qty * $json.price }}' }] }),
    node('big', 'logic.if', 'Big line?', 720, { conditions: [{ left: '{{ $json.total }}', op: 'gt', right: 100 }] }),
    node('review', 'logic.noop', 'For review', 960),
  ];
  const edge = (source: string, target: string, sourcePort = 'main') => ({ source, sourcePort, target, targetPort: 'main' });
  return {
    nodes,
    edges: [edge('start', 'lines'), edge('lines', 'total'), edge('total', 'big'), edge('big', 'review', 'true')],
    // What a user sets for a step this size: the Code step's time and memory (within the server's maxima).
    settings: { timezone: 'UTC', timeoutSeconds: 1800, codeTimeoutMs: 60_000, memoryMb: 512 },
  };
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function timed<T>(call: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await call();
  return [performance.now() - started, value];
}

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  const ITEMS = options.items;
  let database: BenchDatabase | null = null;
  let apiProcess: JunctionChild | null = null;
  let worker: JunctionChild | null = null;
  const client = { pool: null as pg.Pool | null };
  try {
    database = await createDatabase('junction_bench_b8');
    const env = { JUNCTION_SANDBOX_OUTPUT_LIMIT: String(256 * 1024 * 1024) };
    apiProcess = await startJunction({ databaseUrl: database.url, role: 'api', env });
    const pool = (client.pool = new pg.Pool({ connectionString: database.url, max: 2, application_name: 'junction-bench' }));
    worker = await startJunction({
      databaseUrl: database.url,
      role: 'worker',
      env,
      ready: async () => Number((await pool.query<{ n: string }>('select count(*) as n from worker_processes')).rows[0]!.n) > 0,
    });
    const workflow = await api<{ id: string }>(apiProcess.url, 'POST', '/api/workflows', { name: 'B8 a million order lines', graph: graph(ITEMS) });
    const baseline = { worker: rssMiB(worker.child.pid), api: rssMiB(apiProcess.child.pid) };

    // Sample the worker and its sandbox processes while the run goes: the worker's memory by
    // how far the run has been committed (which step it is in), its sandboxes' at most.
    let sandboxPeak = 0;
    const byPhase = new Map<string, number>();
    const started = performance.now();
    const { runId } = await api<{ runId: string }>(apiProcess.url, 'POST', `/api/workflows/${workflow.id}/run`, {});
    let status = 'queued';
    let polled = 0;
    while (!['succeeded', 'failed', 'cancelled'].includes(status)) {
      await sleep(200);
      const row = (
        await pool.query<{ status: string; done: string | null }>(
          `select r.status, (select string_agg(node_id, ',' order by position) from steps where run_id = r.id and status = 'succeeded') as done from runs r where r.id = $1`,
          [runId],
        )
      ).rows[0]!;
      status = row.status;
      const phase = `after ${row.done ?? 'nothing'}`;
      byPhase.set(phase, Math.max(byPhase.get(phase) ?? 0, rssMiB(worker.child.pid) ?? 0));
      sandboxPeak = Math.max(sandboxPeak, childPids(worker.child.pid).reduce((sum, pid) => sum + (rssMiB(pid) ?? 0), 0));
      if (performance.now() - started > 30 * 60_000 || (++polled % 25 === 0 && worker.child.exitCode !== null)) {
        throw new Error(`the run did not finish (worker ${worker.child.exitCode === null ? 'still running' : `exited ${worker.child.exitCode}`}):\n${worker.output().slice(-2000)}`);
      }
    }
    const runSeconds = (performance.now() - started) / 1000;
    const workerPeak = rssMiB(worker.child.pid, true);
    const run = (await pool.query<{ error: unknown; version: number }>('select error, version from runs where id = $1', [runId])).rows[0]!;
    if (status !== 'succeeded') throw new Error(`the run ${status}: ${JSON.stringify(run.error)}\n${worker.output().slice(-3000)}`);

    // Run detail, as the editor opens it: the first request, then the median of five more.
    const detail = async () => {
      const response = await fetch(`${apiProcess!.url}/api/runs/${runId}`, { headers: { authorization: `Bearer ${BENCH_API_KEY}` } });
      const text = await response.text();
      if (!response.ok) throw new Error(`run detail answered ${response.status}: ${text.slice(0, 500)}`);
      return text;
    };
    const [firstMs, body] = await timed(detail);
    const again: number[] = [];
    for (let i = 0; i < 5; i++) again.push((await timed(detail))[0]);
    again.sort((a, b) => a - b);
    const parsed = JSON.parse(body) as { steps: { nodeId: string; outputCounts: Record<string, number> | null }[] };
    const counts = Object.fromEntries(parsed.steps.map((step) => [step.nodeId, step.outputCounts]));
    const [pageMs, page] = await timed(() => api<{ items: unknown[]; total: number }>(apiProcess!.url, 'GET', `/api/runs/${runId}/steps/total/items?limit=1000`));
    const stored = (await pool.query<{ rows: string; bytes: string }>('select count(*)::text as rows, coalesce(sum(bytes), 0)::text as bytes from step_data where run_id = $1', [runId])).rows[0]!;
    const apiPeak = rssMiB(apiProcess.child.pid, true);

    const data = {
      items: ITEMS,
      runSeconds: round(runSeconds),
      workerPeakMiB: workerPeak,
      workerRssByPhaseMiB: Object.fromEntries(byPhase),
      workerBaselineMiB: baseline.worker,
      sandboxPeakMiB: round(sandboxPeak),
      apiPeakMiB: apiPeak,
      apiBaselineMiB: baseline.api,
      detailFirstMs: round(firstMs),
      detailMedianMs: round(again[2]!),
      detailBytes: body.length,
      pageOf1000Ms: round(pageMs),
      pageItems: page.items.length,
      commits: run.version,
      storedRows: Number(stored.rows),
      storedMiB: round(Number(stored.bytes) / 2 ** 20),
      outputCounts: counts,
      machine: machine(database.serverVersion),
    };
    const report = [
      `B8 — ${ITEMS.toLocaleString('en')} items through 5 steps (Code → Fields with an expression → If → noop), one run`,
      `  run           ${data.runSeconds} s trigger → finished, ${data.commits} checkpoint commits`,
      `  worker        peak RSS ${workerPeak} MiB (${baseline.worker} MiB before the run); its sandbox processes ${data.sandboxPeakMiB} MiB at most`,
      `  worker RSS    by committed steps: ${[...byPhase].map(([phase, mib]) => `${phase} ${mib} MiB`).join('; ')}`,
      `  run detail    ${data.detailFirstMs} ms first, ${data.detailMedianMs} ms median of 5 after; ${(data.detailBytes / 1024).toFixed(1)} KiB`,
      `  items page    1,000 items of "Line total" in ${data.pageOf1000Ms} ms`,
      `  API           peak RSS ${apiPeak} MiB (${baseline.api} MiB at start)`,
      `  stored        ${data.storedRows} chunks, ${data.storedMiB} MiB of JSON; items per step ${JSON.stringify(counts)}`,
      `  machine       ${machineLine(data.machine)}`,
    ].join('\n');
    return { report, data };
  } finally {
    await client.pool?.end();
    await worker?.stop();
    await apiProcess?.stop();
    await database?.drop();
  }
}

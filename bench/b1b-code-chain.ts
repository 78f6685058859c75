/**
 * B1b — after Windmill's benchmark: one run of 40 sequential light Code steps, wall time
 * from trigger to finished. A webhook that answers when the run has finished starts
 * each run, so the time of its request is trigger → finished as a caller sees it; runs
 * go one after another (no concurrency), each step recorded.
 *
 * Published on 2 vCPUs for the same shape: Hatchet 1.22 s, Windmill 2.09 s, Temporal 2.97 s.
 */
import { api, createDatabase, machine, machineLine, startJunction, type BenchDatabase, type JunctionChild, type ScenarioOptions, type ScenarioResult } from './harness.ts';

const STEPS = 40;

function graph(path: string) {
  const steps = Array.from({ length: STEPS }, (_, i) => ({
    id: `s${i + 1}`,
    type: 'code.javascript',
    name: `Step ${i + 1}`,
    params: { mode: 'allItems', code: 'return $input.all().map((item) => ({ json: { ...item.json, n: item.json.n + 1 } }));' },
    position: [240 * (i + 1), 0],
  }));
  const hook = { id: 'hook', type: 'trigger.webhook', name: 'Start', params: { path, method: 'POST', respond: 'whenFinished' }, position: [0, 0] };
  const nodes = [hook, ...steps];
  return {
    nodes,
    edges: nodes.slice(1).map((node, i) => ({ source: nodes[i]!.id, sourcePort: 'main', target: node.id, targetPort: 'main' })),
    settings: { timezone: 'UTC', timeoutSeconds: 600 },
  };
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p99: at(0.99), min: sorted[0]!, max: sorted.at(-1)!, n: sorted.length };
}

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  let database: BenchDatabase | null = null;
  let junction: JunctionChild | null = null;
  try {
    database = await createDatabase('junction_bench_b1b');
    junction = await startJunction({ databaseUrl: database.url });
    const path = `bench/b1b-${Date.now().toString(36)}`;
    const workflow = await api<{ id: string }>(junction.url, 'POST', '/api/workflows', { name: 'B1b 40 code steps', graph: graph(path) });
    await api(junction.url, 'POST', `/api/workflows/${workflow.id}/activate`);
    const hookUrl = `${junction.url}/hooks/${path}`;

    const once = async () => {
      const started = performance.now();
      const response = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":0}' });
      const body = (await response.json()) as { n?: number } | { n?: number }[];
      const took = performance.now() - started;
      const n = Array.isArray(body) ? body[0]?.n : body.n;
      if (response.status !== 200 || n !== STEPS) throw new Error(`the run answered ${response.status} ${JSON.stringify(body).slice(0, 300)}; expected n = ${STEPS}`);
      return took;
    };
    const first = await once();
    const runs = Math.max(10, Math.min(200, Math.round(options.duration * 3)));
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await once());
    const steps = await api<{ runs: { id: string }[] }>(junction.url, 'GET', `/api/runs?workflowId=${workflow.id}&limit=1`);
    const detail = await api<{ status: string; steps: unknown[] }>(junction.url, 'GET', `/api/runs/${steps.runs[0]!.id}`);
    if (detail.status !== 'succeeded' || detail.steps.length !== STEPS + 1) throw new Error(`the last run recorded ${detail.steps.length} steps (${detail.status})`);
    const s = stats(samples);
    const m = machine(database.serverVersion);
    const report = [
      `B1b — one run of ${STEPS} sequential light Code steps, trigger → finished (webhook answering when the run finished; each step recorded)`,
      `  wall time     median ${s.median.toFixed(1)} ms   p99 ${s.p99.toFixed(1)} ms   min ${s.min.toFixed(1)} ms   (n=${s.n} runs one after another)`,
      `  first run     ${first.toFixed(1)} ms (fresh workflow: graph, compiled code and sandbox context all new)`,
      `  per step      ${(s.median / STEPS).toFixed(2)} ms median`,
      `  machine       ${machineLine(m)}`,
    ].join('\n');
    return { report, data: { scenario: 'b1b', steps: STEPS, machine: m, firstMs: first, wallMs: s } };
  } finally {
    if (junction) await junction.stop().catch(() => undefined);
    await database?.drop();
  }
}

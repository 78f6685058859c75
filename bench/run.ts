/**
 * The benchmark runner behind `npm run bench`:
 *
 *   npm run bench -- [scenario...] [--duration 30] [--connections 50] [--warmup 3] [--cpu-prof] [--count-queries]
 *                    [--waiting 1000] [--rounds 2] [--items 1000000]
 *
 * Scenarios: b1 (webhook throughput), b1b (40 sequential Code steps), b2 (sandbox overheads), b6 (the editor on a 500-node workflow, in Chromium), b7 (B1 beside runs waiting for an approval, then all of them resumed), b8 (a million items through five steps: the worker's memory, run detail's time); default: all. Each starts a Junction process on a fresh database of the
 * local PostgreSQL (or BENCH_DATABASE_URL's), prints its figures and the machine, and
 * writes them to bench/results/<scenario>-<timestamp>.json.
 */
import { parseArgs } from 'node:util';
import { cleanUp, writeResults, type ScenarioOptions, type ScenarioResult } from './harness.ts';

const scenarios: Record<string, () => Promise<{ run(options: ScenarioOptions): Promise<ScenarioResult> }>> = {
  b1: () => import('./b1-webhook.ts'),
  b1b: () => import('./b1b-code-chain.ts'),
  b2: () => import('./b2-sandbox.ts'),
  b6: () => import('./b6-editor.ts'),
  b7: () => import('./b7-waits.ts'),
  b8: () => import('./b8-big-run.ts'),
};

function positiveNumber(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min) throw new Error(`--${name} must be a number of at least ${min}, not "${value}"`);
  return number;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      duration: { type: 'string' },
      connections: { type: 'string' },
      warmup: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      'count-queries': { type: 'boolean', default: false },
      waiting: { type: 'string' },
      rounds: { type: 'string' },
      items: { type: 'string' },
    },
  });
  const names = positionals.length > 0 ? positionals.map((name) => name.toLowerCase()) : Object.keys(scenarios);
  const unknown = names.filter((name) => !scenarios[name]);
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; there are: ${Object.keys(scenarios).join(', ')}`);
  const options: ScenarioOptions = {
    duration: positiveNumber('duration', values.duration, 30),
    connections: Math.floor(positiveNumber('connections', values.connections, 50)),
    warmup: positiveNumber('warmup', values.warmup, 3, 0),
    cpuProf: values['cpu-prof'] ?? false,
    countQueries: values['count-queries'] ?? false,
    waiting: Math.floor(positiveNumber('waiting', values.waiting, 1000)),
    rounds: Math.floor(positiveNumber('rounds', values.rounds, 2)),
    items: Math.floor(positiveNumber('items', values.items, 1_000_000)),
  };

  for (const name of names) {
    const scenario = await scenarios[name]!();
    console.error(
      name === 'b6'
        ? 'bench: b6: opening a 500-node workflow in Chromium ...'
        : name === 'b8'
          ? 'bench: b8: one run of a million items through five steps ...'
          : name === 'b7'
          ? `bench: b7: ${options.rounds} round(s) of ${options.duration} s of B1 at ${options.connections} connections without and with ${options.waiting} waiting runs ...`
          : `bench: ${name}: ${options.connections} connections, ${options.warmup} s warm-up + ${options.duration} s measured ...`,
    );
    const result = await scenario.run(options);
    const file = writeResults(name, { at: new Date().toISOString(), ...result.data });
    console.log(result.report);
    console.log(`  results       ${file}\n`);
  }
}

// Ctrl-C: the Junction child stops and the bench database is dropped before we exit.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}: stopping Junction and dropping the bench database`);
    void cleanUp().finally(() => process.exit(130));
  });
}

main().catch((error: Error) => {
  console.error(`bench: ${error.stack ?? error.message}`);
  process.exit(1);
});

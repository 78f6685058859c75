/**
 * B2 — what the sandbox costs, measured in the worker's own terms (the Sandbox and
 * params.ts the runtime calls; no database, no HTTP):
 *
 * - code step overhead: a Code node whose code does nothing but return its input, with
 *   1 and 1,000 items, in a run whose context exists (every step but a run's first);
 * - cold path: the same step as the first of a new run (a fresh context is made);
 * - expressions: a transform.fields step with three expressions that need the sandbox,
 *   resolved for 10,000 items (one sandbox call), per item and per expression;
 * - lineage: `$node("Lookup").json.email` for 10,000 items that came through an if, each
 *   item's ancestor found on the host (runtime/lineage.ts) before the one sandbox call;
 * - cold start of a sandbox process: fork until it answers its first call;
 * - memory per pooled isolate: the growth of a sandbox process's RSS per extra isolate,
 *   and the V8 heap of one isolate holding a run context.
 */
import { serverCatalogue } from '@junction/nodes/server';
import type { Item, PortItems } from '@junction/nodes';
import { flattenOutput, lineageOf, pairedItemsOf, type RunOutputs } from '../server/src/runtime/lineage.ts';
import { resolveParams } from '../server/src/runtime/params.ts';
import { Sandbox, type RunScope } from '../server/src/sandbox/index.ts';
import { testScope } from '../server/src/sandbox/testing.ts';
import { machine, machineLine, sleep, type ScenarioOptions, type ScenarioResult } from './harness.ts';

interface Stats {
  median: number;
  p99: number;
  mean: number;
  n: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p99: at(0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, n: sorted.length };
}

const ms = (value: number) => `${value.toFixed(3)} ms`;
const us = (value: number) => `${(value * 1000).toFixed(2)} µs`;

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await fn();
  return [performance.now() - start, value];
}

function items(count: number) {
  return Array.from({ length: count }, (_, i) => ({ json: { sku: `SKU-${i}`, name: `item ${i}`, qty: 1 + (i % 7), price: 9.99 + (i % 13) } }));
}

const PASS_THROUGH = 'return $input.all();';

async function codeStep(sandbox: Sandbox, scope: RunScope, count: number) {
  const outcome = await sandbox.code(scope, { key: 'b2-pass', step: 'code', code: PASS_THROUGH, mode: 'allItems', items: items(count) });
  if (!outcome.ok || outcome.items.length !== count) throw new Error(`the code step failed: ${JSON.stringify(outcome).slice(0, 300)}`);
}

async function codeOverhead(sandbox: Sandbox, count: number, iterations: number): Promise<Stats> {
  const scope = testScope(`b2-warm-${count}`);
  for (let i = 0; i < 50; i++) await codeStep(sandbox, scope, count);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) samples.push((await time(() => codeStep(sandbox, scope, count)))[0]);
  sandbox.release(scope.runId);
  return stats(samples);
}

async function coldPath(sandbox: Sandbox, iterations: number): Promise<Stats> {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const scope = testScope(`b2-cold-${i}`);
    samples.push((await time(() => codeStep(sandbox, scope, 1)))[0]);
    sandbox.release(scope.runId);
    // Releasing happens in the background in the sandbox process; let it.
    if (i % 20 === 19) await sleep(5);
  }
  return stats(samples);
}

const FIELDS = serverCatalogue.get('transform.fields')!.definition;
const EXPRESSION_NODE = {
  name: 'Price lines',
  params: {
    operations: [
      { op: 'set', field: 'amount', value: '{{ $json.qty * $json.price }}' },
      { op: 'set', field: 'label', value: '{{ $json.name.toUpperCase() }} x{{ $json.qty }}' },
    ],
  },
};
const EXPRESSIONS = 3;

async function expressionCost(sandbox: Sandbox, count: number, iterations: number) {
  const input = items(count);
  const scope = testScope('b2-expressions');
  const params = { key: 'b2-expr', evaluate: (batch: Omit<Parameters<Sandbox['expressions']>[1], 'step'>) => sandbox.expressions(scope, { ...batch, step: 'fields' }) };
  const sandboxOnly: number[] = [];
  const whole: number[] = [];
  for (let i = 0; i < iterations + 3; i++) {
    let evaluated = 0;
    const [total, paramsFor] = await time(() =>
      resolveParams(FIELDS, EXPRESSION_NODE, input, {
        ...params,
        evaluate: async (batch) => {
          const [took, outcome] = await time(() => params.evaluate(batch));
          evaluated = took;
          return outcome;
        },
      }),
    );
    const check = paramsFor(count - 1) as { operations: { value: unknown }[] };
    const last = input[count - 1]!.json;
    if (check.operations[0]!.value !== last.qty * last.price) throw new Error('expressions computed the wrong amount');
    if (i >= 3) {
      sandboxOnly.push(evaluated);
      whole.push(total);
    }
  }
  sandbox.release(scope.runId);
  return { sandboxCall: stats(sandboxOnly), resolveParams: stats(whole) };
}

const LINEAGE_NODE = { name: 'Use', params: { operations: [{ op: 'set', field: 'buyer', value: '{{ $node("Lookup").json.email }}' }] } };

/**
 * Start → Lookup (per item) → If (every item to `true`, in reverse) → Use: the run state
 * the worker would hold, and `$node("Lookup").json.email` resolved for Use's items.
 */
async function lineageCost(sandbox: Sandbox, count: number, iterations: number) {
  const input = items(count);
  const lookup: Item[] = input.map((item, i) => ({ json: { ...item.json, email: `buyer${i}@supplier.example` }, pairedItem: i }));
  const routed: Item[] = lookup.map((item, i) => ({ json: item.json, pairedItem: i })).reverse();
  const outputs = new Map<string, PortItems>([
    ['start', { main: input }],
    ['lookup', { main: lookup }],
    ['if', { true: routed, false: [] }],
  ]);
  const names = new Map([['Start', 'start'], ['Lookup', 'lookup'], ['If', 'if']]);
  const edge = (source: string, target: string, sourcePort = 'main') => ({ source, target, sourcePort, targetPort: 'main' });
  const run: RunOutputs = {
    incoming: new Map([['lookup', [edge('start', 'lookup')]], ['if', [edge('lookup', 'if')]], ['use', [edge('if', 'use', 'true')]]]),
    triggerNodeId: 'start',
    output: (id) => (outputs.has(id) ? lineageOf(flattenOutput(outputs.get(id)!, ['main', 'true', 'false'])) : null),
    nameOf: (id) => id,
  };
  let hostMs = 0;
  const base = testScope('b2-lineage');
  const scope: RunScope = {
    ...base,
    outputOf: (name) => (outputs.has(names.get(name)!) ? flattenOutput(outputs.get(names.get(name)!)!, ['main', 'true', 'false']).items : null),
    pairedOf: (name, step, first, last) => {
      const [took, paired] = timeSync(() => pairedItemsOf(run, step, names.get(name)!, first, last));
      hostMs = took;
      return paired;
    },
  };
  const samples: { host: number; call: number; whole: number }[] = [];
  for (let i = 0; i < iterations + 3; i++) {
    let call = 0;
    const [whole, paramsFor] = await time(() =>
      resolveParams(FIELDS, LINEAGE_NODE, routed, {
        key: 'b2-lineage',
        evaluate: async (batch) => {
          const [took, outcome] = await time(() => sandbox.expressions(scope, { ...batch, step: 'use' }));
          call = took;
          return outcome;
        },
      }),
    );
    const check = paramsFor(0) as { operations: { value: unknown }[] };
    if (check.operations[0]!.value !== `buyer${count - 1}@supplier.example`) throw new Error(`lineage found ${String(check.operations[0]!.value)}`);
    if (i >= 3) samples.push({ host: hostMs, call, whole });
  }
  sandbox.release(base.runId);
  return { host: stats(samples.map((s) => s.host)), sandboxCall: stats(samples.map((s) => s.call)), resolveParams: stats(samples.map((s) => s.whole)) };
}

function timeSync<T>(fn: () => T): [number, T] {
  const start = performance.now();
  const value = fn();
  return [performance.now() - start, value];
}

async function processColdStart(iterations: number): Promise<Stats> {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const [took, started] = await time(async () => {
      const sandbox = await Sandbox.start({ processes: 1, isolatesPerProcess: 1 });
      await codeStep(sandbox, testScope('b2-process'), 1);
      return sandbox;
    });
    samples.push(took);
    await started.stop();
  }
  return stats(samples);
}

interface Health {
  rssBytes: number;
  isolates: { heapBytes: number; usedHeapBytes: number; contexts: number }[];
}

async function isolateMemory(isolates: number): Promise<{ rssMiB: number; heapMiB: number; usedHeapMiB: number }> {
  const sandbox = await Sandbox.start({ processes: 1, isolatesPerProcess: isolates });
  try {
    // One run per isolate (runs spread over the isolates), each holding its context.
    const scopes = Array.from({ length: isolates }, (_, i) => testScope(`b2-mem-${i}`));
    await Promise.all(scopes.map((scope) => codeStep(sandbox, scope, 10)));
    await sleep(200);
    const health = (await sandbox.health())[0] as Health;
    const first = health.isolates[0]!;
    return { rssMiB: health.rssBytes / 2 ** 20, heapMiB: first.heapBytes / 2 ** 20, usedHeapMiB: first.usedHeapBytes / 2 ** 20 };
  } finally {
    await sandbox.stop();
  }
}

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  const quick = options.duration < 10;
  const sandbox = await Sandbox.start({ processes: 1, isolatesPerProcess: 2 });
  try {
    const one = await codeOverhead(sandbox, 1, quick ? 300 : 2000);
    const thousand = await codeOverhead(sandbox, 1000, quick ? 100 : 500);
    const cold = await coldPath(sandbox, quick ? 50 : 300);
    const expressions = await expressionCost(sandbox, 10_000, quick ? 5 : 20);
    const lineage = await lineageCost(sandbox, 10_000, quick ? 5 : 20);
    const processStart = await processColdStart(quick ? 3 : 10);
    const memory1 = await isolateMemory(1);
    const memory8 = await isolateMemory(8);
    const perIsolateMiB = (memory8.rssMiB - memory1.rssMiB) / 7;
    const evaluations = 10_000 * EXPRESSIONS;
    const m = machine('not used');
    const report = [
      'B2 — sandbox costs (isolated-vm in a sandbox process; Sandbox + params.ts as the worker calls them)',
      `  machine        ${machineLine(m)}`,
      `  code step, 1 item          median ${ms(one.median)}  p99 ${ms(one.p99)}  (n=${one.n}, context exists)`,
      `  code step, 1,000 items     median ${ms(thousand.median)}  p99 ${ms(thousand.p99)}  (n=${thousand.n})`,
      `  code step, new run (cold)  median ${ms(cold.median)}  p99 ${ms(cold.p99)}  (n=${cold.n}: fresh context + first call)`,
      `  expressions, 10,000 items × ${EXPRESSIONS}: sandbox call median ${ms(expressions.sandboxCall.median)} = ${us(expressions.sandboxCall.median / evaluations)} per expression per item, ${us(expressions.sandboxCall.median / 10_000)} per item`,
      `                             whole resolveParams (incl. schema check per item) median ${ms(expressions.resolveParams.median)} = ${us(expressions.resolveParams.median / evaluations)} per expression per item`,
      `  lineage, 10,000 items: $node("Lookup").json.email through an if: ancestors found on the host median ${ms(lineage.host.median)} = ${us(lineage.host.median / 10_000)} per item; sandbox call (incl. that) ${ms(lineage.sandboxCall.median)}; whole resolveParams ${ms(lineage.resolveParams.median)}`,
      `  sandbox process cold start median ${ms(processStart.median)}  (fork → ready → first call answered, n=${processStart.n})`,
      `  memory per pooled isolate  ${perIsolateMiB.toFixed(1)} MiB RSS (process RSS with 8 isolates ${memory8.rssMiB.toFixed(1)} MiB vs 1: ${memory1.rssMiB.toFixed(1)} MiB); V8 heap of an isolate holding one run context: ${memory1.heapMiB.toFixed(1)} MiB (${memory1.usedHeapMiB.toFixed(1)} used)`,
    ].join('\n');
    return {
      report,
      data: { machine: m, codeStep1: one, codeStep1000: thousand, coldPath: cold, expressions, lineage, evaluations, processStart, memory1, memory8, perIsolateMiB },
    };
  } finally {
    await sandbox.stop();
  }
}

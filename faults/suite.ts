/**
 * The suite: one PostgreSQL cluster for the whole run; for each scenario a fresh Junction
 * on its own database (stack.ts), the scenario's faults, a settle period, then the
 * invariant checks and the report's row. A scenario that cannot be carried out is a
 * failure too, and the next one still runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { Cluster } from './cluster.ts';
import { check, settle } from './invariants.ts';
import { ROOT } from './processes.ts';
import { NO_FAULTS } from './proxy.ts';
import { Dice } from './random.ts';
import { passed, percentile, summariseLogs, type ScenarioResult } from './report.ts';
import { ScenarioContext, type Form, type Scenario } from './scenarios/context.ts';
import { SCENARIOS } from './scenarios/index.ts';
import { prepareTemplate, Stack } from './stack.ts';

const TEMPLATE = 'faults_template';

export interface SuiteOptions {
  form: Form;
  /** Scenario ids to run (default: all, in order). */
  only?: string[];
  seed?: number;
  /** Where logs go (default: faults/results/<time>). */
  resultsDir?: string;
  /** Junction's log level in the scenarios' processes (default info; debug says what each run did). */
  logLevel?: 'debug' | 'info';
  /** Called with each scenario's result as soon as it is known. */
  onResult?: (result: ScenarioResult) => void;
}

export interface SuiteResult {
  results: ScenarioResult[];
  passed: boolean;
  seed: number;
  resultsDir: string;
  durationMs: number;
}

export function selectScenarios(only: string[] | undefined): Scenario[] {
  if (!only || only.length === 0) return SCENARIOS;
  const unknown = only.filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; there are: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  return SCENARIOS.filter((s) => only.includes(s.id));
}

/** Starts PostgreSQL again if a scenario left it down (a kill, a failed restart). */
async function ensureRunning(cluster: Cluster): Promise<void> {
  const client = new pg.Client({ connectionString: cluster.url() });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
  } catch {
    await cluster.start();
  }
}

export async function runSuite(options: SuiteOptions): Promise<SuiteResult> {
  const scenarios = selectScenarios(options.only);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const dice = new Dice(seed);
  const resultsDir = options.resultsDir ?? join(ROOT, 'faults', 'results', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(resultsDir, { recursive: true });
  const started = Date.now();
  process.stderr.write(`faults: ${options.form} form, seed ${seed}, logs in ${resultsDir}\n`);
  const cluster = await Cluster.create();
  // Interrupted (Ctrl-C): the processes and PostgreSQL must not outlive the suite.
  const interrupted = (signal: NodeJS.Signals) => {
    process.stderr.write(`faults: ${signal}: stopping Junction's processes and PostgreSQL\n`);
    void Promise.allSettled([...running].map((stack) => stack.close()))
      .then(() => cluster.destroy())
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const results: ScenarioResult[] = [];
  try {
    await prepareTemplate(cluster, TEMPLATE, resultsDir);
    // One generator per scenario, drawn up front: a scenario's faults do not depend on which ran before.
    const dices = scenarios.map(() => dice.fork());
    let next: StackStart | null = null;
    for (const [i, scenario] of scenarios.entries()) {
      await ensureRunning(cluster);
      const start = next ?? startStack(scenario, cluster, options, dices[i]!, resultsDir);
      next = null;
      const following = scenarios[i + 1];
      // While this scenario settles, the next one's processes start: their start is most of a scenario's set-up.
      const startNext = () => {
        if (following) next = startStack(following, cluster, options, dices[i + 1]!, resultsDir);
      };
      const result = await runScenario(scenario, start, cluster, options, dices[i]!, startNext);
      results.push(result);
      options.onResult?.(result);
    }
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await cluster.destroy();
  }
  return { results, passed: results.every(passed), seed, resultsDir, durationMs: Date.now() - started };
}

/** Stacks whose processes are up or starting, for an interrupted suite to stop. */
const running = new Set<Stack>();

interface StackStart {
  stack: Promise<Stack>;
  startedAt: number;
  readyAt: number | null;
  logDir: string;
}

function startStack(scenario: Scenario, cluster: Cluster, options: SuiteOptions, dice: Dice, resultsDir: string): StackStart {
  const env = { ...scenario.env, ...(options.logLevel ? { JUNCTION_LOG_LEVEL: options.logLevel } : {}) };
  const start: StackStart = {
    startedAt: Date.now(),
    readyAt: null,
    logDir: join(resultsDir, scenario.id),
    stack: Stack.start({ name: scenario.id, cluster, dice, logDir: resultsDir, workers: scenario.workers, env, template: TEMPLATE, onCreated: (stack) => running.add(stack) }),
  };
  start.stack.then(
    () => (start.readyAt = Date.now()),
    () => undefined, // runScenario awaits it and reports the failure
  );
  return start;
}

async function runScenario(scenario: Scenario, start: StackStart, cluster: Cluster, options: SuiteOptions, dice: Dice, settling: () => void): Promise<ScenarioResult> {
  const { form } = options;
  const started = start.startedAt;
  const result: ScenarioResult = {
    id: scenario.id,
    title: scenario.title,
    faults: [],
    findings: null,
    resume: null,
    error: null,
    durationMs: 0,
    logDir: start.logDir,
    logSummary: [],
  };
  let stack: Stack | null = null;
  let ctx: ScenarioContext | null = null;
  try {
    stack = await start.stack;
    ctx = new ScenarioContext(scenario.id, stack, cluster, form, dice);
    ctx.say(`${scenario.title} (${form} form; its Junction started in ${((start.readyAt! - start.startedAt) / 1000).toFixed(1)} s)`);
    const runFrom = Date.now();
    await scenario.run(ctx);
    // The faults are over: what is left is Junction finishing its runs.
    stack.proxy.setFaults(NO_FAULTS);
    for (const load of ctx.loads) await load.stop();
    const limit = scenario.settleMs?.[form] ?? (form === 'long' ? 300_000 : 90_000);
    ctx.say('settling');
    settling();
    const settledInMs = await settle(stack.db, ctx.flows, limit);
    // Workers still starting (replacements) were welcome to help settle; one that could not start is a failure.
    await ctx.finish();
    await ctx.resume.stop();
    result.findings = await check(stack.db, ctx.flows, stack.erp, ctx.deliveries(), settledInMs);
    // For a post-mortem: what the storefront sent, what the ERP saw, what broke.
    writeFileSync(join(result.logDir, 'deliveries.json'), JSON.stringify(ctx.deliveries(), null, 1));
    writeFileSync(join(result.logDir, 'ledger.json'), JSON.stringify([...stack.erp.ledger.values()], null, 1));
    writeFileSync(join(result.logDir, 'violations.json'), JSON.stringify(result.findings.violations, null, 1));
    const times = ctx.resume.times();
    result.resume = { runs: times.length + ctx.resume.neverResumed(), p50Ms: percentile(times, 50), maxMs: percentile(times, 100), never: ctx.resume.neverResumed() };
    const proxy = stack.proxy.counts;
    const injected = (['reset', 'stall', 'cutAfterWrite', 'serializationFailure', 'delay'] as const).filter((kind) => proxy[kind] > 0);
    if (injected.length > 0) ctx.note(`proxy: ${proxy.statements} statements, ${injected.map((kind) => `${proxy[kind]} ${kind}`).join(', ')}`);
    for (const event of cluster.events.filter((e) => e.at >= runFrom)) ctx.note(`PostgreSQL ${event.what} (${event.tookMs} ms)`);
  } catch (error) {
    result.error = (error as Error).stack ?? String(error);
  } finally {
    await ctx?.resume.stop();
    if (stack) {
      result.logSummary = summariseLogs(stack.processes);
      await stack.close();
      running.delete(stack);
    }
    result.faults = ctx ? mergeNotes(ctx.faults) : [];
    result.durationMs = Date.now() - started;
  }
  return result;
}

/** "SIGKILL worker-3" ×10 reads better as one line with a count. */
function mergeNotes(notes: string[]): string[] {
  const counts = new Map<string, number>();
  for (const note of notes) counts.set(note, (counts.get(note) ?? 0) + 1);
  return [...counts].map(([note, count]) => (count > 1 ? `${note} (×${count})` : note));
}

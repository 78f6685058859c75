/**
 * The run-transition core: pure functions over plain values, tested without a database
 * in milliseconds — and kept pure by a test that reads what its modules import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WorkflowGraph, type AttemptRecord, type Item, type RetryPolicy, type StepErrorRecord, type StepRecord } from '@junction/nodes';
import { INTERRUPTED, markInterrupted, nextAttemptDelay, TRANSIENT_RETRIES } from './attempts.ts';
import { lastOutputStep, stepOutcome, unfinishedSteps, unstorable, type AttemptResult } from './outcome.ts';
import { plan, shapeOf, type StepState } from './plan.ts';
import { firingsToRun, startsOf } from './firings.ts';
import { contentHash, pollNews } from './polls.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

describe('the core is pure', () => {
  it('imports nothing but the node contract and its own modules', () => {
    const modules = readdirSync(here).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
    expect(modules.length).toBeGreaterThanOrEqual(3);
    for (const file of modules) {
      const source = readFileSync(`${here}/${file}`, 'utf8');
      const specifiers = [...source.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((match) => match[1]!);
      for (const specifier of specifiers) {
        const allowed = specifier === '@junction/nodes' || (/^\.\/[\w-]+\.ts$/.test(specifier) && modules.includes(specifier.slice(2)));
        expect(allowed, `${file} imports ${specifier}`).toBe(true);
      }
      // No clock, randomness or environment read behind the caller's back... except the jitter of backoff.
      expect(source, `${file} reads the environment`).not.toMatch(/process\.|Date\.now\(\)|new Date\(\)/);
    }
  });
});

const isTrigger = (type: string) => type.startsWith('trigger.');
const graph = (nodes: [string, string, Record<string, unknown>?][], edges: [string, string, string?][]) =>
  WorkflowGraph.parse({
    nodes: nodes.map(([id, type, extra]) => ({ id, type, name: id, ...extra })),
    edges: edges.map(([source, target, sourcePort]) => ({ source, target, ...(sourcePort ? { sourcePort } : {}) })),
  });
const item = (json: Record<string, unknown>): Item => ({ json });
const now = new Date('2026-12-07T10:00:00Z');

describe('plan', () => {
  const shape = shapeOf(
    graph(
      [['hook', 'trigger.webhook'], ['manual', 'trigger.manual'], ['check', 'logic.if'], ['big', 'logic.noop'], ['small', 'logic.noop']],
      [['hook', 'check'], ['manual', 'check'], ['check', 'big', 'true'], ['check', 'small', 'false']],
    ),
    isTrigger,
  );
  const input = [item({ total: 5 })];

  it('runs only the trigger that started the run, skipping the others', () => {
    const next = plan(shape, new Map(), 'hook', now);
    expect(next.ready).toEqual([{ nodeId: 'hook', attempt: 1 }]);
    expect(next.skip).toEqual(['manual']);
    expect(next.finished).toBe(false);
  });

  it('runs a step its sources sent items to on connected ports, and skips a branch nothing was sent to', () => {
    const steps = new Map<string, StepState>([
      ['hook', { status: 'succeeded', attempt: 1, counts: { main: 1 }, nextAttemptAt: null }],
      ['manual', { status: 'skipped', attempt: 0, counts: null, nextAttemptAt: null }],
      ['check', { status: 'succeeded', attempt: 1, counts: { true: 0, false: 1 }, nextAttemptAt: null }],
    ]);
    const next = plan(shape, steps, 'hook', now);
    expect(next.ready).toEqual([{ nodeId: 'small', attempt: 1 }]);
    expect(next.skip).toEqual(['big']);
  });

  it('waits for a retrying step until its time, then makes the next attempt', () => {
    const later = new Date(now.getTime() + 5000);
    const steps = new Map<string, StepState>([['hook', { status: 'retrying', attempt: 2, counts: null, nextAttemptAt: later }]]);
    expect(plan(shape, steps, 'hook', now)).toMatchObject({ ready: [], wakeAt: later, finished: false });
    expect(plan(shape, steps, 'hook', later).ready).toEqual([{ nodeId: 'hook', attempt: 3 }]);
  });

  it('runs a step a stopped worker left running as the next attempt, marked resumed', () => {
    const steps = new Map<string, StepState>([['hook', { status: 'running', attempt: 1, counts: null, nextAttemptAt: null }]]);
    expect(plan(shape, steps, 'hook', now).ready).toEqual([{ nodeId: 'hook', attempt: 2, resumed: true }]);
  });

  it('stops at a failed step, unless its node continues on error', () => {
    const failed = new Map<string, StepState>([['hook', { status: 'failed', attempt: 1, counts: null, nextAttemptAt: null }]]);
    expect(plan(shape, failed, 'hook', now).failedNodeId).toBe('hook');
    const continuing = shapeOf(graph([['hook', 'trigger.webhook', { onError: 'continue' }], ['end', 'logic.noop']], [['hook', 'end']]), isTrigger);
    const withOutput = new Map<string, StepState>([['hook', { status: 'failed', attempt: 1, counts: { main: 1 }, nextAttemptAt: null }]]);
    const next = plan(continuing, withOutput, 'hook', now);
    expect(next.failedNodeId).toBeNull();
    expect(next.ready).toEqual([{ nodeId: 'end', attempt: 1 }]);
  });

  it('is finished when every node is resolved', () => {
    const steps = new Map<string, StepState>(
      ['hook', 'manual', 'check', 'big', 'small'].map((id) => [id, { status: id === 'manual' ? 'skipped' : 'succeeded', attempt: 1, counts: { main: 0 }, nextAttemptAt: null }]),
    );
    expect(plan(shape, steps, 'hook', now).finished).toBe(true);
  });
});

const policy: RetryPolicy = { maxAttempts: 3, backoffMs: 1000, maxBackoffMs: 60_000 };
const failure = (extra: Partial<StepErrorRecord> = {}): StepErrorRecord => ({ name: 'NodeError', message: 'ERP answered 503', retriable: true, ...extra });
const attempt = (n: number, status: AttemptRecord['status'], error?: StepErrorRecord): AttemptRecord => ({ attempt: n, startedAt: now.toISOString(), status, ...(error ? { error } : {}) });

describe('attempts', () => {
  it('records an attempt a stopped worker left running as interrupted', () => {
    expect(markInterrupted([attempt(1, 'failed', failure()), attempt(2, 'running')])).toEqual([
      attempt(1, 'failed', failure()),
      { ...attempt(2, 'running'), status: 'interrupted', error: INTERRUPTED },
    ]);
  });

  it('retries per the policy, counting only the attempts the step itself made', () => {
    expect(nextAttemptDelay([attempt(1, 'failed', failure())], failure(), policy)).toBeGreaterThan(0);
    expect(nextAttemptDelay([attempt(1, 'failed', failure()), attempt(2, 'failed', failure()), attempt(3, 'failed', failure())], failure(), policy)).toBeNull();
    // Two interruptions do not use up the three attempts.
    const cut = [attempt(1, 'interrupted'), attempt(2, 'interrupted'), attempt(3, 'failed', failure())];
    expect(nextAttemptDelay(cut, failure(), policy)).toBeGreaterThan(0);
    expect(nextAttemptDelay([attempt(1, 'failed', failure())], failure(), undefined)).toBeNull();
    expect(nextAttemptDelay([attempt(1, 'failed', failure({ retriable: false }))], failure({ retriable: false }), policy)).toBeNull();
  });

  it('retries a transient failure a few times even without a retry policy', () => {
    const transient = failure({ transient: true });
    const history: AttemptRecord[] = [];
    for (let n = 1; n <= TRANSIENT_RETRIES; n++) {
      history.push(attempt(n, 'failed', transient));
      expect(nextAttemptDelay(history, transient, undefined), `after ${n}`).toBeGreaterThan(0);
    }
    history.push(attempt(TRANSIENT_RETRIES + 1, 'failed', transient));
    expect(nextAttemptDelay(history, transient, undefined)).toBeNull();
  });
});

describe('step outcome', () => {
  const items = [item({ sku: 'A' }), item({ sku: 'B' })];
  const result = (extra: Partial<AttemptResult>): AttemptResult => ({
    step: { nodeId: 'erp', attempt: 1 },
    items,
    startedAt: now,
    finishedAt: new Date(now.getTime() + 20),
    logs: [],
    interrupted: false,
    ...extra,
  });
  const context = { attempts: [], policy, continueOnError: false, firstPort: 'main', now };

  it('records a success with its attempt and output', () => {
    const outcome = stepOutcome(result({ output: { main: items }, logs: [{ level: 'info', message: 'hi' }] }), context);
    expect(outcome).toMatchObject({ status: 'succeeded', attempt: 1, output: { main: items }, error: null, next_attempt_at: null });
    expect(outcome.attempts).toEqual([{ attempt: 1, startedAt: now.toISOString(), finishedAt: new Date(now.getTime() + 20).toISOString(), status: 'succeeded', logs: [{ level: 'info', message: 'hi' }] }]);
  });

  it('schedules the next attempt of a retriable failure, and fails when none is left', () => {
    const retrying = stepOutcome(result({ error: failure() }), context);
    expect(retrying.status).toBe('retrying');
    const wait = new Date(retrying.next_attempt_at!).getTime() - now.getTime();
    expect(wait).toBeGreaterThanOrEqual(500);
    expect(wait).toBeLessThanOrEqual(1000);
    const last = stepOutcome(result({ step: { nodeId: 'erp', attempt: 3 }, error: failure() }), { ...context, attempts: [attempt(1, 'failed', failure()), attempt(2, 'failed', failure())] });
    expect(last).toMatchObject({ status: 'failed', output: null, next_attempt_at: null });
    expect(last.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
  });

  it('a step cut short by cancel is not retried', () => {
    expect(stepOutcome(result({ error: failure(), interrupted: true }), context).status).toBe('failed');
  });

  it('continuing on error sends each item on with the error', () => {
    const outcome = stepOutcome(result({ error: failure({ retriable: false }) }), { ...context, continueOnError: true });
    expect(outcome.status).toBe('failed');
    expect(outcome.output).toEqual({
      main: [
        { json: { sku: 'A', error: { name: 'NodeError', message: 'ERP answered 503' } }, pairedItem: 0 },
        { json: { sku: 'B', error: { name: 'NodeError', message: 'ERP answered 503' } }, pairedItem: 1 },
      ],
    });
  });
});

describe('the end of a run', () => {
  it('fails the steps still running or retrying', () => {
    const steps = new Map([
      ['a', { status: 'succeeded' as const, attempt: 1 }],
      ['b', { status: 'running' as const, attempt: 2 }],
      ['c', { status: 'retrying' as const, attempt: 1 }],
    ]);
    expect(unfinishedSteps(steps)).toEqual([
      { nodeId: 'b', attempt: 2 },
      { nodeId: 'c', attempt: 1 },
    ]);
  });

  it('answers with the items of the last step that emitted any', () => {
    expect(
      lastOutputStep([
        ['a', { status: 'succeeded', counts: { main: 1 }, position: 1 }],
        ['b', { status: 'succeeded', counts: { true: 0, false: 1 }, position: 3 }],
        ['c', { status: 'succeeded', counts: { main: 0 }, position: 4 }],
        ['d', { status: 'failed', counts: { main: 1 }, position: 5 }],
      ]),
    ).toBe('b');
    expect(lastOutputStep([])).toBeNull();
  });

  it('fails the step whose result could not be stored, or every waiting one when it is not known which', () => {
    const record = (nodeId: string, output: StepRecord['output']): StepRecord => ({
      node_id: nodeId, status: 'succeeded', attempt: 1, output, error: null, position: 1, started_at: null, finished_at: null, next_attempt_at: null, wait: null,
      attempts: [{ attempt: 1, startedAt: now.toISOString(), status: 'succeeded', logs: [{ level: 'info', message: 'big' }] }],
    });
    const pending = [record('a', { main: [] }), record('b', { main: [] }), record('c', null)];
    const one = unstorable(pending, 'b', 'too large');
    expect(one.failed.map((r) => r.node_id)).toEqual(['b']);
    expect(one.failed[0]).toMatchObject({ status: 'failed', output: null, error: { name: 'StorageError', retriable: false } });
    expect(one.failed[0]!.attempts[0]).not.toHaveProperty('logs');
    expect(unstorable(pending, undefined, 'refused').failed.map((r) => r.node_id)).toEqual(['a', 'b']);
  });
});

describe('timed trigger firings', () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 10, minute));
  const due = [0, 5, 10, 15].map(at);

  it('on time fires; missed ones as the policy says', () => {
    const now = new Date(at(15).getTime() + 30_000);
    expect(firingsToRun(due, now, { missed: 'none', catchUpLimit: 10 })).toEqual([{ at: at(15), late: false }]);
    expect(firingsToRun(due, now, { missed: 'latest', catchUpLimit: 10 })).toEqual([{ at: at(15), late: false }]);
    expect(firingsToRun(due, now, { missed: 'all', catchUpLimit: 2 })).toEqual([
      { at: at(5), late: true },
      { at: at(10), late: true },
      { at: at(15), late: false },
    ]);
    const later = new Date(at(17).getTime());
    expect(firingsToRun(due, later, { missed: 'latest', catchUpLimit: 10 })).toEqual([{ at: at(15), late: true }]);
    expect(firingsToRun(due, later, { missed: 'none', catchUpLimit: 10 })).toEqual([]);
  });

  it('skip starts nothing while a run goes; queue chains behind it; several firings run one after another', () => {
    const firings = [{ at: at(0), late: true }, { at: at(5), late: false }];
    expect(startsOf(firings, 'skip', 'run-1')).toEqual([]);
    expect(startsOf(firings, 'skip', undefined).map((s) => s.after)).toEqual(['nothing', 'previous']);
    expect(startsOf(firings, 'queue', 'run-1').map((s) => s.after)).toEqual(['unfinished', 'previous']);
    expect(startsOf(firings, 'allow', 'run-1').map((s) => s.after)).toEqual(['nothing', 'nothing']);
  });
});

describe('poll news', () => {
  const rows = [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 2 }, { qty: 3 }, { sku: 'A', qty: 9 }];
  const memory = (seen: [string, string | null][] = [], first = false, watermark: string | number | null = null) => ({ first, watermark, seen: new Map(seen) });

  it('episodes: keys not remembered are news; the keys matching now are kept, the rest forgotten', () => {
    const outcome = pollNews(rows, { what: 'episodes', field: 'sku' }, memory([['A', null]]), false);
    expect(outcome.news).toEqual([{ sku: 'B', qty: 2 }]);
    expect(outcome.remember).toEqual([{ key: 'B', hash: null }]);
    expect(outcome.matching).toEqual(['A', 'B']);
    expect(outcome.skipped).toBe(1);
  });

  it('the first look only remembers unless asked to start runs for what is there', () => {
    expect(pollNews(rows, { what: 'episodes', field: 'sku' }, memory([], true), false).news).toEqual([]);
    expect(pollNews(rows, { what: 'episodes', field: 'sku' }, memory([], true), true).news).toHaveLength(2);
  });

  it('changed: a key whose content hash differs is news, key order does not matter', () => {
    const hash = contentHash({ qty: 1, sku: 'A' });
    expect(hash).toBe(contentHash({ sku: 'A', qty: 1 }));
    const outcome = pollNews([{ sku: 'A', qty: 1 }, { sku: 'B', qty: 2 }], { what: 'changed', field: 'sku' }, memory([['A', hash], ['B', 'old']]), false);
    expect(outcome.news).toEqual([{ sku: 'B', qty: 2 }]);
  });

  it('a growing column: numbers as numbers, times as text, the new high remembered', () => {
    const outcome = pollNews([{ id: 9 }, { id: 10 }, { id: 11 }], { what: 'new', by: 'watermark', field: 'id' }, memory([], false, 9), false);
    expect(outcome.news).toEqual([{ id: 10 }, { id: 11 }]);
    expect(outcome.watermark).toBe(11);
    const times = pollNews([{ at: '2026-12-07T10:00:00Z' }, { at: '2026-12-07T09:00:00Z' }], { what: 'new', by: 'watermark', field: 'at' }, memory([], false, '2026-12-07T09:30:00Z'), false);
    expect(times.news).toEqual([{ at: '2026-12-07T10:00:00Z' }]);
  });
});

/**
 * The Code node (`code.javascript`) as a user runs it: real runs, real sandbox processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ sandboxLimits: { maxOutputBytes: 256 * 1024, maxLogBytes: 4096, maxLogLines: 20 } });
});

afterAll(async () => {
  await h?.close();
});

const manual = { id: 't', type: 'trigger.manual', name: 'Start' };
const code = (id: string, source: string, mode: 'allItems' | 'perItem' = 'allItems', name = 'Code') => ({
  id,
  type: 'code.javascript',
  name,
  params: { mode, code: source },
});

async function chain(nodes: object[], input: unknown, settings?: object) {
  const all = [manual, ...nodes] as { id: string }[];
  const edges = all.slice(1).map((node, i) => ({ source: all[i]!.id, target: node.id }));
  const id = await h.createWorkflow({ nodes: all, edges, ...(settings ? { settings } : {}) });
  const response = await h.call('POST', `/api/workflows/${id}/run`, input);
  expect(response.status).toBe(202);
  return h.waitForRun(response.body.runId);
}

const step = (detail: any, nodeId = 'c') => detail.steps.find((s: any) => s.nodeId === nodeId);
const items = (detail: any, nodeId = 'c') => step(detail, nodeId)?.output?.main;

describe('code.javascript', () => {
  it('runs once for all items and emits what it returns', async () => {
    const detail = await chain(
      [code('c', 'const total = $input.all().reduce((sum, item) => sum + item.json.qty, 0);\nreturn [{ json: { total, count: items.length } }, { plain: true }];')],
      [{ qty: 2 }, { qty: 5 }],
    );
    expect(detail.status).toBe('succeeded');
    expect(items(detail).map((i: any) => i.json)).toEqual([{ total: 7, count: 2 }, { plain: true }]);
  });

  it('runs once per item: $json is the item; returning nothing drops it; pairedItem follows', async () => {
    const detail = await chain([code('c', 'if ($json.skip) return;\nreturn { ...$json, doubled: $json.n * 2, index: $itemIndex };', 'perItem')], [
      { n: 1 },
      { n: 2, skip: true },
      { n: 3 },
    ]);
    expect(items(detail)).toEqual([
      { json: { n: 1, doubled: 2, index: 0 }, pairedItem: 0 },
      { json: { n: 3, doubled: 6, index: 2 }, pairedItem: 2 },
    ]);
  });

  it('lets code declare the names it is given, as code written for n8n does', async () => {
    const all = await chain([code('c', 'const items = $input.all();\nlet $json = items.length;\nreturn items.map((item) => ({ json: { n: item.json.n, of: $json } }));')], [{ n: 1 }, { n: 2 }]);
    expect(all.status).toBe('succeeded');
    expect(items(all).map((i: any) => i.json)).toEqual([{ n: 1, of: 2 }, { n: 2, of: 2 }]);
    const each = await chain([code('c', 'const item = $input.item;\nconst $itemIndex = 7;\nreturn { json: { n: item.json.n * 10, i: $itemIndex } };', 'perItem')], [{ n: 1 }, { n: 2 }]);
    expect(each.status).toBe('succeeded');
    expect(items(each).map((i: any) => i.json)).toEqual([{ n: 10, i: 7 }, { n: 20, i: 7 }]);
  });

  it('fails for good, saying why, when code patches built-ins to forge its answer', async () => {
    const forged = { ...code('c', "Object.prototype.toJSON = function () { return { hacked: 1 }; };\nreturn [{ a: 1 }];"), retry: { maxAttempts: 3, backoffMs: 10 } };
    const detail = await chain([forged], [{ n: 1 }]);
    expect(detail.status).toBe('failed');
    expect(step(detail).error).toMatchObject({ retriable: false });
    expect(step(detail).error.message).toMatch(/The code changed JavaScript's built-ins \(such as Object\.prototype\.toJSON or JSON\.stringify\), so its result could not be read back/);
    expect(step(detail).attempts).toHaveLength(1);
    // A well-formed answer past the console limits (20 lines here) is a forged one too.
    const forgedLogs = [
      'Object.prototype.toJSON = function () {',
      '  if (!Object.hasOwn(this, "logs")) return this;',
      '  delete Object.prototype.toJSON;',
      '  return { ok: true, items: [], logs: Array.from({ length: 500 }, () => ({ level: "info", message: "forged" })) };',
      '};',
      'return [];',
    ].join('\n');
    const logs = await chain([code('c', forgedLogs)], [{ n: 1 }]);
    expect(step(logs).error.message).toMatch(/changed JavaScript's built-ins/);
    const expression = await chain(
      [{ id: 'c', type: 'transform.fields', name: 'Set', params: { operations: [{ op: 'set', field: 'x', value: '{{ (Object.prototype.toJSON = () => ({ forged: true }), 1) }}' }] } }],
      [{ n: 1 }],
    );
    expect(expression.status).toBe('failed');
    expect(step(expression).error.message).toMatch(/An expression changed JavaScript's built-ins/);
  });

  it('awaits async code', async () => {
    const detail = await chain(
      [code('c', 'const wait = (v) => new Promise((resolve) => Promise.resolve().then(() => resolve(v)));\nconst n = await wait(41);\nreturn { json: { n: n + (await Promise.all([1])).length } };')],
      {},
    );
    expect(items(detail)[0].json).toEqual({ n: 42 });
  });

  it('reads other steps, $vars and the date library', async () => {
    await h.call('POST', '/api/variables', { key: 'MIN_STOCK', value: '5' });
    const detail = await chain(
      [
        code('lookup', "return [{ json: { supplier: 'ACME' } }, { json: { supplier: 'Globex' } }];", 'allItems', 'Suppliers'),
        code('c', "return { supplier: $('Suppliers').last().json.supplier, min: Number($vars.MIN_STOCK), day: DateTime.fromISO('2026-03-01').toFormat('ccc') };", 'perItem'),
      ],
      {},
    );
    expect(detail.status).toBe('succeeded');
    expect(items(detail)[0].json).toEqual({ supplier: 'Globex', min: 5, day: 'Sun' });
  });

  it('keeps console output in the step record, bounded', async () => {
    const detail = await chain([code('c', "console.log('order', { id: 7 }, 3);\nconsole.warn('careful');\nfor (let i = 0; i < 100; i++) console.log('line', i);\nreturn [];")], {});
    expect(detail.status).toBe('succeeded');
    const logs = step(detail).attempts[0].logs;
    expect(logs.slice(0, 2)).toEqual([
      { level: 'info', message: 'order {"id":7} 3' },
      { level: 'warn', message: 'careful' },
    ]);
    expect(logs).toHaveLength(21);
    expect(logs[20].message).toMatch(/82 more console line\(s\) not kept \(log limit: 20 lines/);
  });

  it('shows errors, null, undefined, functions and dates in console lines as a browser console would; has table and dir', async () => {
    const source = [
      "console.log(new TypeError('bad qty'), null, undefined, 10n);",
      'console.log(function total() {}, Symbol("s"), new Date(0), DateTime.fromISO("2026-01-02T03:04:05Z", { zone: "utc" }));',
      'console.table([{ sku: "A", qty: 1 }]);',
      'console.dir({ a: [1, 2] });',
      'return [];',
    ].join('\n');
    const detail = await chain([code('c', source)], {});
    expect(detail.status).toBe('succeeded');
    expect(step(detail).attempts[0].logs.map((line: any) => line.message)).toEqual([
      'TypeError: bad qty null undefined 10n',
      '[Function total] Symbol(s) 1970-01-01T00:00:00.000Z 2026-01-02T03:04:05.000Z',
      '[{"sku":"A","qty":1}]',
      '{"a":[1,2]}',
    ]);
  });

  it('keeps the console output of code that then fails, and points at the line and column', async () => {
    const detail = await chain([code('c', "console.log('before');\nconst order = $json.order;\n  return { count: order.lines.length };", 'perItem')], [{ order: { lines: [] } }, {}]);
    expect(detail.status).toBe('failed');
    const { error, attempts } = step(detail);
    expect(error.message).toBe('Code in "Code", line 3, column 25, item 2: TypeError: Cannot read properties of undefined (reading \'lines\')');
    // People count items from 1 in messages; details.item is the index.
    expect(error.details).toEqual({ line: 3, column: 25, item: 1 });
    expect(attempts[0].logs).toEqual([
      { level: 'info', message: 'before' },
      { level: 'info', message: 'before' },
    ]);
  });

  it('reports a syntax error with its line and column', async () => {
    const detail = await chain([code('c', 'const a = 1;\nconst b = ;\nreturn [];')], {});
    expect(step(detail).error).toMatchObject({
      message: 'Code in "Code", line 2, column 11 has a syntax error: Unexpected token \';\'',
      details: { line: 2, column: 11 },
      retriable: false,
    });
  });

  it('reports a brace too many, or one left open, at the end of the code, not on a line it does not have', async () => {
    for (const source of ['return [];\n}', 'if (true) {\nreturn [];']) {
      const detail = await chain([code('c', source)], {});
      expect(step(detail).error.message).toMatch(/^Code in "Code" has a syntax error at its end: .+ \(a bracket or brace closed that was never opened, or one left open\)$/);
      expect(step(detail).error.details).toEqual({ line: 2 });
    }
  });

  it('explains a return value that is not items', async () => {
    const detail = await chain([code('c', 'return [1, 2];')], {});
    expect(step(detail).error.message).toMatch(/Item 1 of what the code returned is number; return objects/);
    const cyclic = await chain([code('c', 'const a = {}; a.self = a; return [{ json: a }];')], {});
    expect(step(cyclic).error.message).toMatch(/returned something that is not JSON data: .*circular/i);
  });

  it('stops an endless loop after an await at the time limit, naming it', async () => {
    const started = Date.now();
    const detail = await chain([code('c', 'await null;\nwhile (true) {}')], {}, { codeTimeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(step(detail).error).toMatchObject({ retriable: false, details: { limit: 'time' } });
    expect(step(detail).error.message).toMatch(/^Code in "Code" ran longer than the 300 ms time limit \(the time limit; see codeTimeoutMs/);
  });

  it('stops code that allocates past the memory limit, naming it', async () => {
    const detail = await chain([code('c', 'const keep = [];\nwhile (true) keep.push(new Array(100000).fill(keep.length));')], {}, { memoryMb: 32 });
    expect(step(detail).error).toMatchObject({ retriable: false, details: { limit: 'memory' } });
    expect(step(detail).error.message).toMatch(/used more memory than the 32 MB limit \(the memory limit; see memoryMb/);
  });

  it('refuses output past the output limit', async () => {
    const detail = await chain([code('c', "return [{ json: { big: 'x'.repeat(300 * 1024) } }];")], {});
    expect(step(detail).error).toMatchObject({ details: { limit: 'output' } });
    expect(step(detail).error.message).toMatch(/returned more than 262144 bytes/);
  });

  it('refuses a per-workflow limit outside the settings schema, with a readable message', async () => {
    const response = await h.call('POST', '/api/workflows', { name: 'Bad limits', graph: { nodes: [manual], settings: { codeTimeoutMs: 5, memoryMb: 'lots' } } });
    expect(response.status).toBe(400);
    const messages = response.body.error.issues.map((issue: any) => `${issue.path}: ${issue.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^graph\.settings\.codeTimeoutMs: .*at least 10 ms/),
        expect.stringMatching(/^graph\.settings\.memoryMb: .*number of megabytes/),
      ]),
    );
  });
});

/**
 * The escape corpus: the ways out of n8n's sandboxes (vm2, its expression evaluator,
 * its task runner) and isolated-vm's own advisory, tried against Junction's sandbox.
 * Every case is followed by the same checks that the host was not reached: no host
 * object came back, no file was written or read, no connection was made, neither the
 * worker's nor the sandbox process's built-ins changed, the sandbox process is the same
 * one, and a fresh run sees clean built-ins.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, SandboxFailure } from './index.ts';
import { testScope } from './testing.ts';

const folder = mkdtempSync(join(tmpdir(), 'junction-escape-'));
const CANARY = join(folder, 'canary.txt');
const CANARY_SECRET = 'canary-4f9c2e-host-secret';
const MARK = join(folder, 'escaped.txt');

let sandbox: Sandbox;
let server: Server;
let port = 0;
let connections = 0;
let baselineHealth: any;
const hostObjectPrototype = Object.getOwnPropertyNames(Object.prototype).sort();
let runs = 0;

beforeAll(async () => {
  writeFileSync(CANARY, CANARY_SECRET);
  server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  sandbox = await Sandbox.start({ processes: 1, isolatesPerProcess: 2 });
  baselineHealth = (await sandbox.health())[0];
  // The sandbox process holds none of the worker's environment (DATABASE_URL and the like).
  expect(baselineHealth.environmentVariables).toBe(0);
});

afterAll(async () => {
  await sandbox?.stop();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(folder, { recursive: true, force: true });
});

/**
 * Guest code shared by the cases: given whatever a case dug up, try to use it as
 * Node's `process` / `require` to read the canary, write a file and connect out.
 */
const exploitSource = () => `
const CANARY = ${JSON.stringify(CANARY)}, MARK = ${JSON.stringify(MARK)}, PORT = ${port};
function exploit(candidate) {
  try {
    if (candidate === undefined || candidate === null) return 'blocked: nothing reached';
    const p = candidate.process ?? candidate;
    const load = p.getBuiltinModule ?? p.mainModule?.require ?? p.require ?? (typeof require === 'function' ? require : undefined);
    if (typeof load !== 'function') return 'blocked: no require on ' + typeof p;
    const fs = load.call(p, 'fs');
    fs.writeFileSync(MARK, 'escaped');
    load.call(p, 'net').connect(PORT, '127.0.0.1');
    return 'ESCAPED ' + fs.readFileSync(CANARY, 'utf8');
  } catch (e) {
    return 'blocked: ' + (e && e.message);
  }
}
function attempt(get) {
  try {
    return exploit(get());
  } catch (e) {
    return 'blocked: ' + (e && e.message);
  }
}
`;

type Expect = 'ok' | 'error' | 'time' | 'memory' | 'output' | 'rejection';

interface Case {
  name: string;
  code: string;
  expect: Expect;
  /** Output of the code as JSON text must match (when it succeeds). */
  result?: RegExp;
  limits?: { codeTimeoutMs?: number; memoryMb?: number };
}

const cases: Case[] = [
  // Constructor chains: from any guest object to Function, then "return process".
  { name: 'this.constructor.constructor', code: "return { result: attempt(() => this.constructor.constructor('return process')()) };", expect: 'ok', result: /blocked: process is not defined/ },
  { name: 'via an array', code: "return { result: attempt(() => [].constructor.constructor('return process')()) };", expect: 'ok', result: /blocked/ },
  { name: 'via an error', code: "return { result: attempt(() => new Error().constructor.constructor('return this')()) };", expect: 'ok', result: /blocked: no require on object/ },
  { name: 'via a thrown error caught', code: "try { null.x } catch (e) { return { result: attempt(() => e.constructor.constructor('return process')()) }; }", expect: 'ok', result: /blocked/ },
  { name: 'via a promise', code: "return { result: attempt(() => Promise.resolve().constructor.constructor('return process')()) };", expect: 'ok', result: /blocked/ },
  { name: 'via an async function', code: "const f = (async () => {}).constructor('return process');\nreturn { result: exploit(await f().catch((e) => null)) };", expect: 'ok', result: /blocked/ },
  { name: 'via a symbol', code: "return { result: attempt(() => Object(Symbol()).constructor.constructor('return process')()) };", expect: 'ok', result: /blocked/ },
  { name: 'via Symbol.prototype', code: "return { result: attempt(() => Symbol.prototype.constructor.constructor('return globalThis.process')()) };", expect: 'ok', result: /blocked: nothing reached/ },
  { name: 'via template-literal keys', code: 'return { result: attempt(() => this[`constructor`][`constructor`](`return process`)()) };', expect: 'ok', result: /blocked/ },
  { name: 'via $json and $input', code: "return { result: attempt(() => $input.all()[0].json.constructor.constructor('return this')().process) };", expect: 'ok', result: /blocked: nothing reached/ },
  { name: 'via a generator', code: "return { result: attempt(() => (function* () {}).constructor('return process')().next().value) };", expect: 'ok', result: /blocked/ },
  {
    name: 'up the caller chain',
    code: 'function up() { let f = up, seen = []; for (let i = 0; i < 10 && f; i++) { seen.push(typeof f); f = f.caller; } return seen; }\nreturn { result: attempt(() => { up(); return null; }), chain: (() => { try { return up(); } catch (e) { return e.message; } })() };',
    expect: 'ok',
    result: /blocked/,
  },
  // Pollution: must stay in this run's context (the probe after each case checks).
  {
    name: '__proto__ and prototype writes',
    code: `({}).__proto__.polluted = 'yes';
Object.prototype.polluted2 = 1;
Array.prototype.map = () => 'hacked';
JSON.parse = () => ({ hacked: true });
JSON.stringify = () => '"hacked"';
Function.prototype.call = () => 'hacked';
Object.getPrototypeOf(async function () {}).constructor.prototype.hacked = 1;
Error.prototype.toString = () => 'hacked';
globalThis.leak = 'from another run';
Object.defineProperty(Object.prototype, 'json', { get() { return { hijacked: true }; }, configurable: true });
return { result: 'polluted my own context' };`,
    expect: 'ok',
  },
  {
    name: 'freezing and deleting built-ins',
    code: "Object.freeze(Object.prototype); delete globalThis.JSON; delete globalThis.Array; globalThis.DateTime = null;\nreturn { result: 'broke my own context' };",
    expect: 'ok',
  },
  // Stack traces: CallSite objects must hold only guest frames.
  {
    name: 'Error.prepareStackTrace',
    code: `const found = [];
let candidate;
Error.prepareStackTrace = (error, sites) => sites;
const sites = new Error('x').stack;
for (const site of sites) {
  found.push(String(site.getFileName()) + ':' + typeof site.getThis() + ':' + typeof site.getFunction());
  try { const self = site.getThis(); if (self && self.process) candidate = self; } catch {}
  try { const fn = site.getFunction(); if (fn) { const made = fn.constructor('return process')(); if (made && typeof made.catch === 'function') made.catch(() => {}); else candidate ??= made; } } catch {}
}
Error.prepareStackTrace = undefined;
return { result: exploit(candidate), frames: found };`,
    expect: 'ok',
    result: /blocked: nothing reached/,
  },
  {
    name: 'Error.captureStackTrace and a throwing prepareStackTrace',
    code: "Error.prepareStackTrace = () => { throw new Error('boom'); };\nconst o = {}; try { Error.captureStackTrace(o); o.stack; } catch (e) {}\nreturn { result: attempt(() => globalThis.process) };",
    expect: 'ok',
    result: /blocked: nothing reached/,
  },
  { name: 'with blocks', code: "with (globalThis) { return { result: exploit(typeof process !== 'undefined' ? process : typeof require !== 'undefined' ? { require } : null) }; }", expect: 'ok', result: /blocked: nothing reached/ },
  {
    name: 'Proxy and Reflect',
    code: `const globals = Reflect.ownKeys(globalThis).map(String);
const proto = []; for (let o = Reflect.getPrototypeOf(globalThis); o; o = Reflect.getPrototypeOf(o)) proto.push(Reflect.ownKeys(o).length);
const trap = new Proxy({}, { get: (target, key) => (key === 'then' ? undefined : exploit(globalThis.process)), ownKeys: () => ['a'], getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }) });
return [{ json: { globals, proto } }, { json: trap }];`,
    expect: 'ok',
  },
  { name: 'a Proxy as the whole result', code: "return new Proxy([], { get: (t, k) => (k === 'length' ? 1 : k === '0' ? { json: { via: 'proxy' } } : Reflect.get(t, k)) });", expect: 'ok' },
  { name: 'import()', code: "let m = null; try { m = await import('fs'); } catch (e) { return { result: 'blocked: ' + e.message }; }\nreturn { result: exploit({ require: () => m }) };", expect: 'ok', result: /blocked/ },
  { name: 'import() of node:fs and data: URLs', code: "const out = []; for (const s of ['node:fs', 'node:child_process', 'data:text/javascript,export default globalThis.process']) { try { out.push(typeof (await import(s))); } catch (e) { out.push('blocked'); } }\nreturn { result: out.join(',') };", expect: 'ok', result: /^\{"result":"blocked,blocked,blocked"\}$/ },
  {
    name: 'SharedArrayBuffer and Atomics.wait',
    code: `const kinds = [typeof SharedArrayBuffer, typeof Atomics, typeof WebAssembly].join(',');
let waited = 'no';
try { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); waited = 'yes'; } catch (e) { waited = 'blocked'; }
return { result: kinds + ' ' + waited };`,
    expect: 'ok',
    result: /undefined,undefined,undefined blocked/,
  },
  { name: 'getters that run during copy-out', code: "return [{ json: { get reached() { return exploit(globalThis.process); }, get count() { let i = 0; while (i < 1e5) i++; return i; } } }];", expect: 'ok', result: /blocked: nothing reached/ },
  { name: 'a getter that never returns during copy-out', code: 'return [{ json: { get x() { while (true) {} } } }];', expect: 'time', limits: { codeTimeoutMs: 200 } },
  { name: 'toJSON that reaches for the host', code: "return [{ json: { toJSON() { return { r: exploit(globalThis.process) }; } } }];", expect: 'ok', result: /blocked: nothing reached/ },
  { name: 'deeply nested return value', code: 'let v = {};\nfor (let i = 0; i < 1e6; i++) v = { v };\nreturn [{ json: v }];', expect: 'error' },
  { name: 'return value nested past the item depth limit', code: 'let v = {};\nfor (let i = 0; i < 150; i++) v = { v };\nreturn [{ json: v }];', expect: 'error' },
  { name: 'cyclic return value', code: 'const a = [];\na.push(a);\nreturn [{ json: { a } }];', expect: 'error' },
  { name: 'huge string returned', code: "return [{ json: { s: 'x'.repeat(40 * 1024 * 1024) } }];", expect: 'output' },
  { name: 'string doubling until it breaks', code: "let s = 'x';\nwhile (true) s += s;", expect: 'error' },
  { name: 'allocation bomb (arrays)', code: 'const keep = [];\nwhile (true) keep.push(new Array(1e5).fill(keep.length));', expect: 'memory', limits: { memoryMb: 64 } },
  // Array buffers live outside the heap; the isolate's limit refuses them (RangeError in the guest).
  { name: 'allocation bomb (array buffers)', code: 'const keep = [];\nwhile (true) keep.push(new Uint8Array(8 * 1024 * 1024).fill(1));', expect: 'error', limits: { memoryMb: 64 } },
  { name: 'a stray rejected promise', code: "Promise.reject(new Error('left behind'));\nawait null;\nreturn [];", expect: 'rejection' },
  { name: 'one giant ArrayBuffer', code: 'const b = new ArrayBuffer(4 * 1024 * 1024 * 1024);\nreturn { size: b.byteLength };', expect: 'error', limits: { memoryMb: 64 } },
  { name: 'infinite loop before await', code: 'while (true) {}', expect: 'time', limits: { codeTimeoutMs: 200 } },
  { name: 'infinite loop after await', code: 'await null;\nwhile (true) {}', expect: 'time', limits: { codeTimeoutMs: 200 } },
  { name: 'endless chain of awaits', code: 'for (;;) await null;', expect: 'time', limits: { codeTimeoutMs: 200 } },
  { name: 'a promise that never settles', code: 'await new Promise(() => {});', expect: 'time', limits: { codeTimeoutMs: 200 } },
  { name: 'deep recursion', code: 'const f = (n) => f(n + 1) + 1;\nreturn { r: f(0) };', expect: 'error' },
  { name: 'catastrophic regular expression', code: "return { r: /^(a+)+$/.test('a'.repeat(40) + 'b') };", expect: 'time', limits: { codeTimeoutMs: 200 } },
];

/** A fresh run's view of the built-ins: what another run of any workflow would see. */
const PROBE = `return {
  map: [1, 2].map((n) => n * 2).join(),
  parse: JSON.parse('{"a":1}').a,
  stringify: JSON.stringify({ b: 2 }),
  polluted: ({}).polluted === undefined && ({}).polluted2 === undefined && ({}).json === undefined,
  leak: typeof globalThis.leak,
  call: typeof Function.prototype.call === 'function' && Function.prototype.call.toString().includes('[native code]'),
  frozen: Object.isFrozen(Object.prototype),
  dateTime: typeof DateTime.now,
  process: typeof process + typeof require,
};`;
const CLEAN = { map: '2,4', parse: 1, stringify: '{"b":2}', polluted: true, leak: 'undefined', call: true, frozen: false, dateTime: 'function', process: 'undefinedundefined' };

async function runCode(code: string, limits: Case['limits'] = {}) {
  const runId = `run-${++runs}`;
  try {
    return await sandbox.code(testScope(runId, { limits }), { key: runId, step: 'code', code: `${exploitSource()}\n${code}`, mode: 'allItems', items: [{ json: { order: 1 } }] });
  } finally {
    sandbox.release(runId);
  }
}

describe('the escape corpus', () => {
  it.each(cases)('$name: contained', async ({ code, expect: expected, result, limits }) => {
    const pidsBefore = sandbox.pids();
    let outcome: unknown;
    let failure: SandboxFailure | Error | undefined;
    try {
      outcome = await runCode(code, limits);
    } catch (error) {
      failure = error as Error;
    }
    const seen = JSON.stringify(outcome ?? { failure: failure?.message });

    if (expected === 'ok') {
      expect(failure).toBeUndefined();
      expect((outcome as { ok: boolean; error?: unknown }).ok, seen).toBe(true);
      if (result) expect(JSON.stringify((outcome as { items: { json: unknown }[] }).items[0]?.json)).toMatch(result);
    } else if (expected === 'error') {
      // Contained as the step's own error: a guest exception, or data the host refuses.
      const guestError = outcome !== undefined && (outcome as { ok: boolean }).ok === false;
      expect(guestError || (failure !== undefined && !(failure instanceof SandboxFailure)), seen).toBe(true);
    } else {
      expect(failure, seen).toBeInstanceOf(SandboxFailure);
      // On a machine too busy to give it the CPU time to reach its limit, code that loops
      // fails as busy instead (and its step runs again later): contained either way.
      const { kind } = (failure as SandboxFailure).failure;
      if (expected === 'time') expect(['time', 'busy'], seen).toContain(kind);
      else expect(kind, seen).toBe(expected);
    }

    // The host was not reached.
    expect(seen).not.toMatch(/ESCAPED|canary-4f9c2e|node:internal|server\/src\//);
    expect(existsSync(MARK)).toBe(false);
    expect(connections).toBe(0);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(hostObjectPrototype);
    expect((await sandbox.health())[0]).toMatchObject({
      pid: baselineHealth.pid,
      objectPrototype: baselineHealth.objectPrototype,
      arrayPrototype: baselineHealth.arrayPrototype,
      jsonParseIsNative: true,
    });
    expect(sandbox.pids()).toEqual(pidsBefore);
    // Other runs are unaffected: a fresh run sees clean built-ins.
    const probe = await runCode(PROBE);
    expect(probe).toMatchObject({ ok: true, items: [{ json: CLEAN }] });
  });

  it('leaves nothing of isolated-vm or the host on the guest global', async () => {
    const outcome = await runCode(`const names = Reflect.ownKeys(globalThis).map(String).sort();
const found = [];
const seen = new Set();
const walk = (o, depth) => { if (!o || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o) || depth > 3) return; seen.add(o);
  for (const k of Reflect.ownKeys(o)) { let v; try { v = o[k]; } catch { continue; } const tag = Object.prototype.toString.call(v); if (/^(ivm|_ivm|Reference|ExternalCopy|Isolate|Context|Callback|Dereference|NativeModule)$/.test(String(k)) || /^\\[object (Reference|ExternalCopy|Isolate|Context|Callback|Dereference)/.test(tag)) found.push(String(k) + tag); walk(v, depth + 1); } };
walk(globalThis, 0);
return { names, found };`);
    expect(outcome.ok).toBe(true);
    const { names, found } = (outcome as unknown as { items: { json: { names: string[]; found: string[] } }[] }).items[0]!.json;
    expect(found).toEqual([]);
    // The guest runtime's own additions are pure JavaScript: the date library, btoa/atob (DOMException is caught by the capitalised names).
    const standard = new Set(['DateTime', 'Duration', 'Interval', 'luxon', 'console', 'btoa', 'atob', 'globalThis', 'Symbol(Symbol.toStringTag)']);
    const unexpected = names.filter((name) => !standard.has(name) && !/^[A-Z][A-Za-z0-9]*$|^(parseFloat|parseInt|decodeURI|decodeURIComponent|encodeURI|encodeURIComponent|escape|unescape|eval|isFinite|isNaN|undefined|NaN|Infinity)$/.test(name));
    expect(unexpected).toEqual([]);
    for (const host of ['process', 'require', 'module', 'Buffer', 'setTimeout', 'setInterval', 'fetch', 'ivm', '_ivm', 'SharedArrayBuffer', 'Atomics', 'WebAssembly']) {
      expect(names).not.toContain(host);
    }
  });

  it('expressions: constructor chains and pollution stay in the run', async () => {
    const scope = testScope('expr-run');
    const outcome = await sandbox.expressions(scope, {
      key: 'escape-expressions',
      step: 'fields',
      sources: [
        "(() => { try { return this.constructor.constructor('return process')(); } catch (e) { return 'blocked: ' + e.message; } })()",
        "$json.constructor.constructor('return this')().process === undefined",
        "(Object.prototype.polluted = 'yes', typeof require)",
      ],
      templates: [0, 1, 2],
      items: [{ json: { total: 1 } }],
      count: 1,
    });
    sandbox.release('expr-run');
    expect(outcome).toEqual({ ok: true, values: [{ 0: 'blocked: process is not defined', 1: true, 2: 'undefined' }] });
    const probe = await runCode(PROBE);
    expect(probe).toMatchObject({ ok: true, items: [{ json: CLEAN }] });
  });
});

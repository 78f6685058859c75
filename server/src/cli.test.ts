/**
 * The administration commands as a person runs them: `node server/src/main.ts <command>`,
 * on a database of their own, passwords through standard input.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createApp } from './api/app.ts';
import { createTestDatabase, type TestDatabase } from './db/testing/database.ts';
import { RunEnqueuer } from './runtime/enqueue.ts';
import { RUN_FINISHED_CHANNEL } from './db/queries/notifications.ts';
import { FinishedRuns } from './runtime/finished.ts';
import { RunProgress } from './runtime/progress.ts';
import { RUN_PROGRESS_CHANNEL } from './db/queries/notifications.ts';
import { Listener } from './db/listener.ts';
import { Keyring } from './vault/keyring.ts';
import { DEFAULT_ADMIN_LIMITS } from './sandbox/limits.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let database: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  database = await createTestDatabase({ max: 4 });
  dataDir = mkdtempSync(join(tmpdir(), 'junction-cli-'));
});

afterAll(async () => {
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

function cli(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', 'server/src/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: database.url, JUNCTION_DATA_DIR: dataDir, JUNCTION_OWNER_PASSWORD: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('main.ts commands', () => {
  it('create-owner, create-api-key and reset-password, then the key works', { timeout: 60_000 }, async () => {
    const weak = await cli(['create-owner', '--email', 'boss@shop.test', '--password-stdin'], 'short\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('A password needs at least 12 characters');

    const owner = await cli(['create-owner', '--email', 'boss@shop.test', '--name', 'Boss', '--password-stdin'], 'a long first password\n');
    expect(owner.stdout).toBe('Created the owner boss@shop.test\n');
    const again = await cli(['create-owner', '--email', 'other@shop.test', '--password-stdin'], 'a long first password\n');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('the owner exists');

    const created = await cli(['create-api-key', '--name', 'readonly', '--scopes', 'workflows:read,runs:read']);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^jct_/);
    const wrong = await cli(['create-api-key', '--name', 'x', '--scopes', 'everything']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('Not scopes the role owner allows: everything');

    const reset = await cli(['reset-password', '--email', 'BOSS@shop.test', '--password-stdin'], 'a long second password\n');
    expect(reset.stdout).toContain('Set a new password for boss@shop.test');

    const listener = new Listener(database.url);
    await listener.start([RUN_FINISHED_CHANNEL, RUN_PROGRESS_CHANNEL]);
    const finished = new FinishedRuns(listener);
    const progress = new RunProgress(listener);
    onTestFinished(async () => {
      progress.close();
      finished.close();
      await listener.stop();
    });
    const app = createApp({
      db: database.db,
      pool: database.pool,
      finished,
      enqueuer: new RunEnqueuer(database.pool),
      bodyLimit: 1_000_000,
      security: { keyring: Keyring.generate(), sessionTtlMs: 3_600_000, sessionIdleMs: 3_600_000, trustProxy: false, webhookRateLimit: 0 },
      progress,
      sandbox: () => Promise.reject(new Error('no sandbox in this test')),
      sandboxLimits: DEFAULT_ADMIN_LIMITS,
    });
    const authorization = `Bearer ${key}`;
    expect((await app.request('/api/workflows', { headers: { authorization } })).status).toBe(200);
    expect((await app.request('/api/workflows', { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: '{}' })).status).toBe(403);
    const signIn = (password: string) => app.request('/api/auth/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'boss@shop.test', password }) });
    expect((await signIn('a long first password')).status).toBe(401);
    expect((await signIn('a long second password')).status).toBe(200);
    const audit = await database.pool.query<{ action: string }>('select action from audit_log order by id');
    expect(audit.rows.map((row) => row.action)).toEqual(['setup.owner', 'api_key.create', 'user.password', 'auth.sign_in_failed', 'auth.sign_in']);
  });

  // Each command is a fresh process that loads Junction's modules: seconds each on a busy machine.
  it('generate-key prints a key JUNCTION_ENCRYPTION_KEY accepts; an unknown command says which exist', { timeout: 180_000 }, async () => {
    const generated = await cli(['generate-key']);
    expect(Buffer.from(generated.stdout.trim(), 'base64')).toHaveLength(32);
    const unknown = await cli(['make-coffee']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('the commands are create-owner, create-api-key, reset-password, rotate-key, generate-key');
    for (const asked of ['help', '--help']) {
      const help = await cli([asked]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('create-api-key [--email you@shop.com] --name ci');
    }
    const badOption = await cli(['--rol', 'api']);
    expect(badOption.code).toBe(1);
    expect(badOption.stderr).toContain('"help" lists what Junction takes');
  });

  it('every command explains itself with --help or -h, and refuses an option it does not take', { timeout: 180_000 }, async () => {
    const commands = ['create-owner', 'create-api-key', 'reset-password', 'rotate-key', 'generate-key'];
    const helps = await Promise.all(commands.map((command, i) => cli([command, i % 2 === 0 ? '--help' : '-h'])));
    helps.forEach((help, i) => {
      expect(help.code, commands[i]).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: node server/src/main\\.ts ${commands[i]}`));
    });
    expect(helps[1]!.stdout).toContain('create-api-key [--email you@shop.com] --name ci [--scopes workflows:read,runs:read]');
    // Refused with its usage, before anything is done.
    const wrongOption = await cli(['generate-key', '--email', 'a@b.c']);
    expect(wrongOption.code).toBe(1);
    expect(wrongOption.stdout).toBe('');
    expect(wrongOption.stderr).toContain("Unknown option '--email'. Usage: generate-key");
  });
});

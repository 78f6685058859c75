/**
 * The supervisor with real sandbox processes: every call settles, whatever its process
 * does — answers, hangs, dies, or talks nonsense — and a lost process is replaced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, SandboxFailure, SandboxSupervisor } from './index.ts';
import { testScope } from './testing.ts';
import { assertSandboxRuntime, atLeast, installedIsolatedVm } from './version.ts';

let supervisor: SandboxSupervisor;
let sandbox: Sandbox;

beforeAll(async () => {
  // One isolate that never grows: calls queue behind each other, as when every isolate is busy.
  supervisor = await SandboxSupervisor.start({ processes: 1, isolatesPerProcess: 1, maxIsolatesPerProcess: 1, graceMs: 300 });
  sandbox = new Sandbox(supervisor);
});

afterAll(async () => {
  await supervisor?.stop();
});

const quick = (runId: string) => sandbox.code(testScope(runId), { key: 'quick', step: 'code', code: 'return { ok: 1 };', mode: 'allItems', items: [] });

describe('isolated-vm version', () => {
  it('refuses versions before 7.0.1 and Node before 24', () => {
    expect(atLeast(installedIsolatedVm(), '7.0.1')).toBe(true);
    expect(() => assertSandboxRuntime('7.0.0', '24.21.0')).toThrow(/isolated-vm 7\.0\.0 is installed, but Junction needs 7\.0\.1 or newer.*GHSA-864f-rcv7-6rh4/);
    expect(() => assertSandboxRuntime('6.0.2', '24.21.0')).toThrow(/needs 7\.0\.1/);
    expect(() => assertSandboxRuntime('7.0.1', '22.12.0')).toThrow(/Node\.js 24 or newer/);
    expect(() => assertSandboxRuntime('7.0.1', '24.0.0')).not.toThrow();
    expect(() => assertSandboxRuntime('7.1.0-beta.1', '26.1.0')).not.toThrow();
  });
});

describe('the supervisor', () => {
  it('kills a process that stops answering, and sends the call it was given to its replacement', async () => {
    const [pid] = supervisor.pids();
    // A stopped process answers nothing (no heartbeat either), as a process stuck in native code would.
    process.kill(pid!, 'SIGSTOP');
    const started = Date.now();
    // Sent after it fell silent, the call cannot be what stalled it: it is not held against it.
    const sent = sandbox.code(testScope('sent-to-silent', { limits: { codeTimeoutMs: 200 } }), { key: 'silent', step: 'code', code: 'return { ok: 2 };', mode: 'allItems', items: [] });
    await expect(sent).resolves.toMatchObject({ ok: true, items: [{ json: { ok: 2 } }] });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(supervisor.pids()[0]).not.toBe(pid);
    await expect(quick('after-hang')).resolves.toMatchObject({ ok: true, items: [{ json: { ok: 1 } }] });
  });

  it('blames the call a silent process was running: sent once more, a second silence fails it', async () => {
    const pending = sandbox.code(testScope('stalls'), { key: 'stalls', step: 'code', code: 'let x = 0;\nfor (let i = 0; i < 1e10; i++) x += i;\nreturn { x };', mode: 'allItems', items: [] });
    pending.catch(() => undefined);
    let pid = supervisor.pids()[0]!;
    for (let i = 0; i < 2; i++) {
      // Running it, the process falls silent (stopped, as one wedged in native code would be).
      await supervisor.health();
      await new Promise((resolve) => setTimeout(resolve, 300));
      process.kill(pid, 'SIGSTOP');
      await expect.poll(() => supervisor.pids()[0], { timeout: 10_000 }).not.toBe(pid);
      pid = supervisor.pids()[0]!;
    }
    await expect(pending).rejects.toMatchObject({ failure: { kind: 'crash', message: expect.stringMatching(/stopped twice while running it/) } });
    await expect(quick('after-silence')).resolves.toMatchObject({ ok: true });
  }, 30_000);

  it('does not take a call waiting behind a long one in its isolate for a hung process', async () => {
    const [pid] = supervisor.pids();
    const long = sandbox.code(testScope('long', { limits: { codeTimeoutMs: 1200 } }), { key: 'loop', step: 'code', code: 'while (true) {}', mode: 'allItems', items: [] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // One isolate: this call waits ~1.2 s, past its own limit and grace (200 + 300 ms).
    const waiting = sandbox.code(testScope('waits', { limits: { codeTimeoutMs: 200 } }), { key: 'quick', step: 'code', code: 'return { ok: 1 };', mode: 'allItems', items: [] });
    await expect(long).rejects.toMatchObject({ failure: { kind: 'time', message: 'ran longer than the 1200 ms time limit' } });
    await expect(waiting).resolves.toMatchObject({ ok: true, items: [{ json: { ok: 1 } }] });
    expect(supervisor.pids()[0]).toBe(pid);
  });

  it('restarts a process that sends an unreadable message and sends its calls again', async () => {
    const [pid] = supervisor.pids();
    const pending = sandbox.code(testScope('slow'), { key: 'slow', step: 'code', code: 'let x = 0;\nfor (let i = 0; i < 3e8; i++) x += i;\nreturn { x };', mode: 'allItems', items: [] });
    await new Promise((resolve) => setTimeout(resolve, 30));
    // What a corrupted process might send: not one of the protocol's messages.
    (supervisor as unknown as { processes: { child: { emit(event: string, message: unknown): void } }[] }).processes[0]!.child.emit('message', { type: 'result', id: 'x' });
    await expect(pending).resolves.toMatchObject({ ok: true });
    expect(supervisor.pids()[0]).not.toBe(pid);
  });

  it('fails a call twice caught in a dying process, as a crash, and stays usable', async () => {
    const pending = sandbox.code(testScope('doomed'), { key: 'slow2', step: 'code', code: 'let x = 0;\nfor (let i = 0; i < 1e9; i++) x += i;\nreturn { x };', mode: 'allItems', items: [] });
    for (let i = 0; i < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      process.kill(supervisor.pids()[0]!, 'SIGKILL');
    }
    await expect(pending).rejects.toMatchObject({ failure: { kind: 'crash' } });
    await expect(quick('after-crash')).resolves.toMatchObject({ ok: true });
  });

  it('settles every call when it stops', async () => {
    const other = await SandboxSupervisor.start({ processes: 1, isolatesPerProcess: 1 });
    const pending = new Sandbox(other).code(testScope('stopping'), { key: 'long', step: 'code', code: 'while (true) {}', mode: 'allItems', items: [] });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await other.stop();
    await expect(pending).rejects.toBeInstanceOf(SandboxFailure);
    await expect(new Sandbox(other).code(testScope('late'), { key: 'q', step: 'code', code: 'return [];', mode: 'allItems', items: [] })).rejects.toThrow(/stopping/);
  });
});

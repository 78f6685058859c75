/**
 * A sandbox process: started by the worker's supervisor with `child_process.fork`, it
 * runs the calls it receives over IPC in its pool of isolates and answers each one. It
 * holds no secrets and no database connection; if V8 aborts in here, only this process
 * dies and the supervisor starts another.
 *
 * argv[2] is a JSON object of options (the worker's config decides them: nothing here
 * reads the environment).
 */
import { CallError, IsolatePool } from './isolates.ts';
import { HEARTBEAT_MS, type ChildMessage, type ParentMessage } from './protocol.ts';
import { assertSandboxRuntime, installedIsolatedVm } from './version.ts';

function send(message: ChildMessage): void {
  // A worker that went away leaves nothing to answer to.
  if (process.connected) process.send!(message);
}

/** What the escape tests check was not touched: this process's own built-ins. */
function health(pool: IsolatePool) {
  return {
    isolates: pool.stats(),
    pid: process.pid,
    objectPrototype: Object.getOwnPropertyNames(Object.prototype).sort(),
    arrayPrototype: Object.getOwnPropertyNames(Array.prototype).sort(),
    jsonParseIsNative: Function.prototype.toString.call(JSON.parse).includes('[native code]'),
    environmentVariables: Object.keys(process.env).length,
    rssBytes: process.memoryUsage().rss,
  };
}

function main(): void {
  if (!process.send) throw new Error('the sandbox process must be started by the worker (it talks over IPC)');
  const isolatedVm = installedIsolatedVm();
  assertSandboxRuntime(isolatedVm);
  const options = JSON.parse(process.argv[2] ?? '{}') as { isolatesPerGroup?: number; maxIsolatesPerGroup?: number };
  const isolatesPerGroup = Math.max(1, options.isolatesPerGroup ?? 2);
  const pool = new IsolatePool({ isolatesPerGroup, maxIsolatesPerGroup: Math.max(isolatesPerGroup, options.maxIsolatesPerGroup ?? isolatesPerGroup) });

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'release') {
      pool.release(message.runId);
      return;
    }
    if (message.type === 'cancel') {
      pool.cancel(message.id);
      return;
    }
    if (message.type !== 'call') return;
    const { id, call } = message;
    if (call.kind === 'health') {
      send({ type: 'result', id, ok: true, value: JSON.stringify(health(pool)) });
      return;
    }
    const listener = { queued: () => send({ type: 'queued', id }), started: () => send({ type: 'started', id }) };
    pool.call(call, { id, listener }).then(
      (value) => send({ type: 'result', id, ok: true, value }),
      (error: unknown) => {
        const failure = error instanceof CallError ? error.failure : { kind: 'internal' as const, message: error instanceof Error ? error.message : String(error) };
        if (error instanceof CallError && error.stuck) {
          // Guest code that isolated-vm can neither time out nor dispose of burns a core
          // until this process ends. It ends once the answer is out; the worker starts
          // another and sends it the calls still in flight here.
          process.stderr.write('sandbox: guest code could not be stopped; exiting so the worker replaces this process\n');
          if (process.connected) process.send!({ type: 'result', id, ok: false, failure } satisfies ChildMessage, () => process.exit(75));
          else process.exit(75);
          return;
        }
        send({ type: 'result', id, ok: false, failure });
      },
    );
  });
  // The worker is gone (it crashed or stopped): nothing is left to serve.
  process.on('disconnect', () => {
    pool.close();
    process.exit(0);
  });
  setInterval(() => send({ type: 'alive' }), HEARTBEAT_MS);
  send({ type: 'ready', isolatedVm });
}

try {
  main();
} catch (error) {
  process.stderr.write(`sandbox: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(78);
}

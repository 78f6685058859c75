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

let retiring = false;

/**
 * Ends this process now, after telling the worker why: guest code that neither isolated-vm
 * nor disposing of its isolate can stop burns a core until the process ends, and its
 * thread also keeps `process.exit` from finishing (it waits for isolated-vm's threads),
 * so the process kills itself. The worker sends the calls still in flight here, which
 * are not to blame, to a fresh process.
 */
function retire(reason: string): void {
  if (retiring) return;
  retiring = true;
  process.stderr.write(`sandbox: ${reason}; exiting so the worker replaces this process\n`);
  const die = () => {
    process.kill(process.pid, 'SIGKILL');
  };
  if (!process.connected) return die();
  process.send!({ type: 'retiring', reason } satisfies ChildMessage, die);
  // Should the message not go out, the worker sees the exit and sends the calls again all the same.
  setTimeout(die, 1000).unref();
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
  const pool = new IsolatePool({ isolatesPerGroup, maxIsolatesPerGroup: Math.max(isolatesPerGroup, options.maxIsolatesPerGroup ?? isolatesPerGroup), retire });

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'release') {
      pool.release(message.runId);
      return;
    }
    if (message.type === 'cancel') {
      pool.cancel(message.id);
      return;
    }
    // Calls that arrive while it goes are the worker's to send elsewhere.
    if (message.type !== 'call' || retiring) return;
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
        send({ type: 'result', id, ok: false, failure });
        // The call that did it has its answer first: the worker blames it alone.
        if (error instanceof CallError && error.stuck) retire('guest code could not be stopped');
      },
    );
  });
  // The worker is gone (it crashed or stopped): nothing is left to serve.
  process.on('disconnect', () => {
    pool.close();
    // Not process.exit: guest code that cannot be stopped would keep it from finishing (see retire).
    process.kill(process.pid, 'SIGKILL');
  });
  setInterval(() => {
    const { user, system } = process.cpuUsage();
    send({ type: 'alive', cpuMs: (user + system) / 1000 });
  }, HEARTBEAT_MS);
  send({ type: 'ready', isolatedVm });
}

try {
  main();
} catch (error) {
  process.stderr.write(`sandbox: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(78);
}

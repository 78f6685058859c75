/**
 * Entry point: `node server/src/main.ts [--role api|worker|all]`. `npm start` runs it
 * with role `all`. Ctrl-C (or SIGTERM) stops it in order (junction.ts `stop`): steps in
 * flight get JUNCTION_SHUTDOWN_GRACE_MS to finish, unfinished runs are handed back to the
 * queue, and the embedded PostgreSQL is shut down last.
 *
 * `node server/src/main.ts <command> ...` runs an administration command instead
 * (create-owner, create-api-key, reset-password, rotate-key, generate-key): see cli.ts.
 */
import { parseArgs } from 'node:util';
import { COMMANDS, helpAsked, runCommand, UsageError, USAGE, type Command } from './cli.ts';
import { loadConfig } from './config.ts';
import { startJunction, type Junction, type Role } from './junction.ts';
import { log, setLogLevel } from './log.ts';

const ROLES: readonly Role[] = ['api', 'worker', 'all'];

const HELP = `Junction — workflow automation for retail and e-commerce

  npm start [-- --role api|worker|all]     serve (default: all — the API, the editor and a worker)
  npm start -- <command> [options]         administer (beside a running Junction, except as said):

${COMMANDS.map((command) => `    ${USAGE[command].synopsis}\n        ${USAGE[command].about}`).join('\n')}
    help                this text; <command> --help: what that command does

Passwords come from JUNCTION_OWNER_PASSWORD or, with --password-stdin, standard input.
Configuration is read from the environment: see docs/configuration.md.`;

async function main(): Promise<void> {
  const command = process.argv[2];
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (command && !command.startsWith('-')) {
    if (!(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`Unknown command "${command}"; the commands are ${COMMANDS.join(', ')} (help lists them with their options)`);
    // Help needs no configuration: it works where the environment is not set up yet.
    if (helpAsked(command as Command, process.argv.slice(3))) return;
    const config = loadConfig();
    setLogLevel(config.JUNCTION_LOG_LEVEL === 'info' ? 'warn' : config.JUNCTION_LOG_LEVEL);
    await runCommand(command as Command, process.argv.slice(3), config);
    return;
  }
  let values: { role?: string };
  try {
    ({ values } = parseArgs({ options: { role: { type: 'string', default: 'all' } } }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; "help" lists what Junction takes`);
  }
  const role = values.role as Role;
  if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}, not "${values.role}"`);
  const config = loadConfig();
  setLogLevel(config.JUNCTION_LOG_LEVEL);

  // Handled from the start: a signal that comes while Junction is still starting stops it
  // as soon as it is up. The first stops in order, the second cuts the grace period short
  // (still in order), a third exits at once.
  let junction: Junction | null = null;
  let stopping = false;
  let signals = 0;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    junction!.stop().then(
      () => {
        log.info('stopped');
        process.exit(code);
      },
      (error: Error) => {
        log.error('stopping failed', { error: error.message });
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    const again = signal === 'SIGINT' ? 'Ctrl-C' : signal;
    if (signals === 1) {
      log.info(`${signal} received; stopping: steps in flight have ${config.JUNCTION_SHUTDOWN_GRACE_MS / 1000} s to finish (${again} again stops them sooner)`);
      if (junction) stop(0);
    } else if (signals === 2 && junction) {
      log.info(`${again} again: cutting the steps in flight short; their runs are handed back to be run again`);
      junction.skipGrace();
    } else {
      log.warn(`${again} again: exiting without waiting; runs in flight are taken over by other workers or at the next start`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  junction = await startJunction(config, role, {
    onFatal(error) {
      // Runs this process holds are taken over by the other workers once it is gone.
      log.error(`${error.message}; exiting so that another worker takes over`);
      stop(1);
    },
  });
  if (signals > 0) stop(0);
}

main().catch((error: Error) => {
  log.error(error.message);
  process.exit(1);
});

/**
 * Entry point: `node server/src/main.ts [--role api|worker|all]`. `npm start` runs it
 * with role `all`. Ctrl-C (or SIGTERM) stops it cleanly: in-flight runs are handed back
 * to the queue and the embedded PostgreSQL is shut down.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from './config.ts';
import { startJunction, type Role } from './junction.ts';
import { log, setLogLevel } from './log.ts';

const ROLES: readonly Role[] = ['api', 'worker', 'all'];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { role: { type: 'string', default: 'all' } } });
  const role = values.role as Role;
  if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}, not "${values.role}"`);
  const config = loadConfig();
  setLogLevel(config.JUNCTION_LOG_LEVEL);
  const junction = await startJunction(config, role);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      log.warn(`second ${signal}: exiting without waiting`);
      process.exit(130);
    }
    stopping = true;
    log.info(`${signal} received; stopping`);
    junction.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: Error) => {
        log.error('stopping failed', { error: error.message });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: Error) => {
  log.error(error.message);
  process.exit(1);
});

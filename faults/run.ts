/**
 * The fault-injection suite behind `npm run faults`:
 *
 *   npm run faults [-- --long] [-- scenario...] [--seed N] [--results DIR] [--debug]
 *
 * The short form (a few minutes) runs in CI; `--long` runs each scenario for longer and
 * harder (100 kills, minutes of PostgreSQL restarts). Prints a table per scenario and
 * the details of every failure; exits 1 when any invariant was broken. `--debug` makes
 * Junction's processes log what each run did. See docs/faults.md.
 */
import { parseArgs } from 'node:util';
import { details, table } from './report.ts';
import { runSuite, selectScenarios } from './suite.ts';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      long: { type: 'boolean', default: false },
      seed: { type: 'string' },
      results: { type: 'string' },
      debug: { type: 'boolean', default: false },
    },
  });
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`--seed must be a whole number, not "${values.seed}"`);
  selectScenarios(positionals); // unknown names fail before anything starts
  const suite = await runSuite({
    form: values.long ? 'long' : 'short',
    only: positionals,
    seed,
    resultsDir: values.results,
    logLevel: values.debug ? 'debug' : 'info',
    onResult: (result) => process.stderr.write(`${details(result)}\n`),
  });
  console.log(`\n${table(suite.results)}\n`);
  for (const result of suite.results) console.log(`${details(result)}\n`);
  console.log(
    `${suite.passed ? 'every invariant held' : 'INVARIANTS BROKEN'} — ${suite.results.length} scenario(s), ${(suite.durationMs / 1000).toFixed(0)} s, seed ${suite.seed}, logs in ${suite.resultsDir}`,
  );
  return suite.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`faults: ${error.stack ?? error.message}`);
    process.exit(2);
  },
);

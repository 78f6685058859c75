/**
 * The short form of the fault-injection suite (`npm run faults`) as part of `npm test`:
 * every scenario against real processes and the suite's own PostgreSQL, and not one
 * acknowledged run lost, stuck, or acted on twice. The table and the details of each
 * failure are printed; the logs stay in faults/results/.
 */
import { expect, it } from 'vitest';
import { details, passed, table } from './report.ts';
import { runSuite } from './suite.ts';

it('loses, strands and duplicates no acknowledged run under faults (the short form of npm run faults)', { timeout: 20 * 60_000 }, async () => {
  const suite = await runSuite({ form: 'short' });
  process.stdout.write(`\n${table(suite.results)}\n\n`);
  const failures = suite.results.filter((result) => !passed(result)).map((result) => details(result));
  expect(failures, `seed ${suite.seed}, logs in ${suite.resultsDir}`).toEqual([]);
  expect(suite.results.length).toBeGreaterThanOrEqual(7);
});

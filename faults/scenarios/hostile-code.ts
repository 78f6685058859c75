/**
 * 7. Hostile Code steps beside ordinary runs: code that loops forever, code that
 * allocates until it runs out of memory, code that returns a 500 MB string. Only those
 * runs may fail (with their step); the ordinary orders flowing beside them, and the
 * well-behaved runs of the same workflow, must all succeed.
 */
import { LoadGenerator } from '../load.ts';
import { createHostileFlow, HOSTILE_KINDS } from '../workflows.ts';
import type { Scenario } from './context.ts';

export const hostileCode: Scenario = {
  id: 'hostile-code',
  title: 'Code steps that loop, exhaust memory, or return 500 MB, beside ordinary runs',
  // Two sandbox processes per worker, as shipped: a crash of one must not fail the other's calls.
  env: { JUNCTION_SANDBOX_PROCESSES: '2' },
  async run(ctx) {
    const each = ctx.long ? 10 : 2;
    const { load } = await ctx.orders(20);
    const flow = await createHostileFlow(ctx.stack);
    ctx.flows.push(flow);
    const abuse = new LoadGenerator({ apiUrl: ctx.stack.apiUrl, path: flow.path, rate: 0, prefix: 'abuse', body: (_, n) => ({ kind: kinds[n - 1] }) });
    ctx.loads.push(abuse);
    // Hostile and well-behaved requests interleaved.
    const kinds = Array.from({ length: each }, () => [...HOSTILE_KINDS, 'fine', 'fine']).flat();
    load.start();
    await ctx.sleep(1_000);
    for (const kind of kinds) {
      void abuse.deliver();
      await ctx.sleep(kind === 'fine' ? 200 : 1_000);
    }
    ctx.note(`${each} each of ${HOSTILE_KINDS.join(', ')}; ${each * 2} well-behaved`);
    await ctx.sleep(ctx.long ? 20_000 : 3_000);
  },
};

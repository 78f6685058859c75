/**
 * 4. A zombie worker. The ERP answers slowly (10-15 s), so steps are in flight. Worker 1
 * is frozen (SIGSTOP) past the dead-worker threshold: the others presume it dead and take
 * its runs over, calling the ERP again with the same keys. Then it wakes (SIGCONT) with
 * its old view of those runs and its calls still open; 2 s later worker 2 is killed and a
 * new worker started. Every run must still finish, and no step may run again after its
 * checkpoint — a woken zombie must not act on runs it no longer holds.
 */
import { SUITE_SETTINGS } from '../stack.ts';
import type { Scenario } from './context.ts';

const DEAD_AFTER_MS = Number(SUITE_SETTINGS.JUNCTION_DEAD_AFTER_MS);

export const zombieWorker: Scenario = {
  id: 'zombie-worker',
  title: 'Freeze a worker past the dead threshold, wake it, then kill another',
  async run(ctx) {
    const rounds = ctx.long ? 5 : 1;
    ctx.stack.erp.setDelay(10_000, 15_000);
    const { load } = await ctx.orders(8);
    for (let round = 0; round < rounds; round++) {
      // A batch of orders, so both workers have calls waiting at the slow ERP.
      load.start();
      await ctx.sleep(2_500);
      await load.stop();
      const [first, second] = ctx.stack.workers;
      await ctx.freezeWorker(first!);
      ctx.note(`SIGSTOP ${first!.name} for ${DEAD_AFTER_MS + 2000} ms`);
      await ctx.sleep(DEAD_AFTER_MS + 2_000);
      first!.resume();
      ctx.note(`SIGCONT it, 2 s later SIGKILL ${second!.name} and start another`);
      await ctx.sleep(2_000);
      await ctx.killWorker(second!);
      await ctx.stack.startWorker();
      // Let the slow calls of this round come back before the next.
      if (round < rounds - 1) await ctx.sleep(16_000);
    }
  },
};

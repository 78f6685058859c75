/**
 * 5. Every process stopped with SIGTERM and started again, one after the other, under
 * load — the API (deliveries are refused while it is away, and retried by the storefront),
 * then each worker (which hands its runs back as it stops). Rolling deploys must lose
 * nothing and leave nothing behind.
 */
import type { Scenario } from './context.ts';

export const rollingRestarts: Scenario = {
  id: 'rolling-restarts',
  title: 'SIGTERM and restart every process in turn under load',
  async run(ctx) {
    const rounds = ctx.long ? 5 : 1;
    // Some calls still at the ERP when a worker is asked to stop.
    ctx.stack.erp.setDelay(50, 1_500);
    const { load } = await ctx.orders(25);
    load.start();
    await ctx.sleep(2_000);
    for (let round = 0; round < rounds; round++) {
      await ctx.stack.api.kill('SIGTERM');
      ctx.note('SIGTERM the API, start it again');
      await ctx.stack.startApi();
      for (const worker of [...ctx.stack.workers]) {
        await ctx.sleep(ctx.dice.between(500, 1_500));
        await ctx.stack.stopWorker(worker, 'SIGTERM');
        ctx.note('SIGTERM a worker, start another');
        await ctx.stack.startWorker();
      }
    }
    await ctx.sleep(2_000);
  },
};

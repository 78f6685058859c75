/**
 * 1. Workers die with SIGKILL — while a call is at the ERP (the effect happened, its
 * checkpoint did not), just after the ERP answered (the checkpoint is being written), or
 * at any moment — and are replaced at once, under a steady stream of orders. Another
 * worker must take each dead one's runs over from their last checkpoint, calling the ERP
 * again only with the same idempotency key.
 */
import type { Scenario, ScenarioContext } from './context.ts';

type Moment = 'call at the ERP' | 'ERP just answered' | 'random moment';
const MOMENTS: readonly Moment[] = ['call at the ERP', 'ERP just answered', 'random moment'];

/** Resolves at the next moment of the kind asked for (or after 3 s if no call comes). */
function next(ctx: ScenarioContext, moment: Moment): Promise<void> {
  if (moment === 'random moment') return ctx.sleep(ctx.dice.between(0, 1000));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop();
      resolve();
    }, 3000);
    const stop = (moment === 'call at the ERP' ? ctx.stack.erp.onRequest : ctx.stack.erp.onAnswered).call(ctx.stack.erp, () => {
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

export const killWorkers: Scenario = {
  id: 'kill-workers',
  title: 'SIGKILL workers around effects and checkpoints, and replace them',
  workers: 3,
  async run(ctx) {
    const kills = ctx.long ? 100 : 10;
    // Calls take a moment, so a kill often finds some in flight.
    ctx.stack.erp.setDelay(20, 400);
    const { load } = await ctx.orders(25);
    load.start();
    await ctx.sleep(1500);
    for (let i = 0; i < kills; i++) {
      const moment = ctx.dice.pick(MOMENTS);
      await ctx.replaceRandomWorker(() => next(ctx, moment));
      ctx.note(`SIGKILL a worker (${moment}), start another`);
      await ctx.sleep(ctx.dice.between(300, 1500));
    }
    ctx.say(`${kills} kills done`);
    await ctx.sleep(1000);
  },
};

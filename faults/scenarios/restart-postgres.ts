/**
 * 2. PostgreSQL restarts under load, every few seconds: `pg_ctl restart -m fast` (sessions
 * are ended, clean shutdown) and `-m immediate` (no shutdown checkpoint; crash recovery
 * at start); the long form also kills the postmaster with SIGKILL, as the OOM killer would. Every connection of every process is cut each time. Junction must refuse
 * what it cannot take while the database is away, and finish every run it acknowledged
 * once it is back — its workers must keep taking runs after each restart.
 */
import type { Scenario } from './context.ts';

export const restartPostgres: Scenario = {
  id: 'restart-postgres',
  title: 'Restart PostgreSQL (fast and immediate) every few seconds under load',
  async run(ctx) {
    // The long form: 5 minutes of restarts every 5-20 s; the short one: two or three.
    const duration = ctx.long ? 300_000 : 18_000;
    const [minGap, maxGap] = ctx.long ? [5_000, 20_000] : [5_000, 8_000];
    ctx.stack.erp.setDelay(0, 100);
    const { load } = await ctx.orders(25);
    load.start();
    const until = Date.now() + duration;
    await ctx.sleep(ctx.dice.between(minGap, maxGap));
    while (Date.now() < until) {
      const mode = ctx.dice.pick(ctx.long ? (['fast', 'immediate', 'kill'] as const) : (['fast', 'immediate'] as const));
      // The suite notes each restart and how long it took.
      if (mode === 'kill') await ctx.cluster.crash();
      else await ctx.cluster.restart(mode);
      await ctx.sleep(ctx.dice.between(minGap, maxGap));
    }
    ctx.say('restarts done');
  },
};

/**
 * 3. A bad network between Junction and PostgreSQL, through the fault proxy: about one
 * statement in two hundred meets a fault — a reset connection, a stall that ends in a
 * reset (a timeout), a write whose answer never comes back although PostgreSQL committed
 * it (the commit's outcome is unknown to Junction), a serialization failure (SQLSTATE
 * 40001), or a delay. Whatever Junction could not know, it must not lose or do twice.
 */
import type { Scenario } from './context.ts';

export const proxyFaults: Scenario = {
  id: 'proxy-faults',
  title: 'Database faults through the proxy: resets, stalls, lost commit answers, 40001, delays',
  async run(ctx) {
    ctx.stack.erp.setDelay(0, 100);
    const { load } = await ctx.orders(25);
    ctx.stack.proxy.setFaults({
      reset: 0.004,
      stall: 0.001,
      stallMs: 5_000,
      cutAfterWrite: 0.003,
      serializationFailure: 0.002,
      delay: 0.01,
      delayMs: 150,
    });
    ctx.note('about 1% of statements broken by the proxy');
    load.start();
    await ctx.sleep(ctx.long ? 300_000 : 15_000);
    ctx.say('faults over');
  },
};

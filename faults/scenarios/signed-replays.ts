/**
 * 6. Replays of signed deliveries. A storefront (or an attacker) sends the same signed
 * delivery — same body, same delivery id — 20 times at once; again after the API has been
 * restarted; and again later. Each delivery must make exactly one run, and its order one
 * effect at the ERP, while ordinary orders keep flowing.
 */
import type { Delivery } from '../load.ts';
import type { Scenario } from './context.ts';

const COPIES = 20;

export const signedReplays: Scenario = {
  id: 'signed-replays',
  title: 'The same signed delivery 20x at once, after a restart, and later',
  async run(ctx) {
    const count = ctx.long ? 20 : 5;
    const { load } = await ctx.orders(10);
    const replays = (await ctx.orders(0, 'replayed-orders')).load;
    load.start();
    const originals: Delivery[] = [];
    for (let i = 0; i < count; i++) originals.push((await replays.deliver(COPIES))[0]!);
    ctx.note(`${count} deliveries sent ${COPIES}x at once`);
    await ctx.stack.api.kill('SIGTERM');
    await ctx.stack.startApi();
    await Promise.all(originals.map((original) => replays.redeliver(original, COPIES)));
    ctx.note(`the API restarted, each sent ${COPIES}x again`);
    await ctx.sleep(ctx.long ? 30_000 : 3_000);
    await Promise.all(originals.map((original) => replays.redeliver(original, COPIES)));
    ctx.note(`later, ${COPIES}x again`);
  },
};

import { describe, expect, it } from 'vitest';
import { isStepWait, type Item, type PortItems, type Resumption } from '../../sdk/index.ts';
import { allItemsContext } from '../../sdk/testing.ts';
import { definition } from './definition.ts';
import { run } from './run.ts';

const items: Item[] = [{ json: { po: 'PO-1', total: 12_000 } }];
const start = (waitFor: unknown, timezone = 'UTC') => run(allItemsContext(definition, { waitFor }, items, { timezone }));
const wake = async (waitFor: unknown, resumed: Resumption) => (await run(allItemsContext(definition, { waitFor }, items, { resumed }))) as PortItems;

describe('logic.wait', () => {
  it('waits for a while, then passes the items on', async () => {
    const before = Date.now();
    const asked = await start({ mode: 'duration', amount: 3, unit: 'hours' });
    expect(isStepWait(asked)).toBe(true);
    if (!isStepWait(asked)) return;
    expect(asked.wait.resumable).toBe(false);
    const until = new Date(asked.wait.until!).getTime();
    expect(until - before).toBeGreaterThanOrEqual(3 * 3_600_000);
    expect(until - Date.now()).toBeLessThanOrEqual(3 * 3_600_000);
    const woke = await wake({ mode: 'duration', amount: 3, unit: 'hours' }, { by: 'time', at: asked.wait.until! });
    expect(woke).toEqual({ main: [{ json: { ...items[0]!.json, wait: { outcome: 'elapsed', at: asked.wait.until } }, pairedItem: 0 }], rejected: [] });
  });

  it('reads a time without an offset in the workflow\'s time zone', async () => {
    const future = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const asked = await start({ mode: 'until', time: `${future}T09:00` }, 'Asia/Taipei');
    expect(isStepWait(asked) && asked.wait.until).toBe(`${future}T01:00:00.000Z`);
    const withOffset = await start({ mode: 'until', time: `${future}T09:00+02:00` }, 'Asia/Taipei');
    expect(isStepWait(withOffset) && withOffset.wait.until).toBe(`${future}T07:00:00.000Z`);
  });

  it('refuses a time that is not one, or more than a year away, saying which', async () => {
    await expect(start({ mode: 'until', time: 'next tuesday' })).rejects.toThrow('“next tuesday” is not a date and time');
    await expect(start({ mode: 'until', time: '2099-01-01T00:00Z' })).rejects.toThrow(/more than a year from now/);
    await expect(start({ mode: 'duration', amount: 400, unit: 'days' })).rejects.toThrow(/more than a year from now/);
  });

  it('an approval goes on through main when approved and through rejected when rejected', async () => {
    const waitFor = { mode: 'approval', message: 'PO-1 for 12,000 TWD', expiresIn: 2, expiresUnit: 'days' };
    const asked = await start(waitFor);
    if (!isStepWait(asked)) throw new Error('expected a wait');
    expect(asked.wait).toMatchObject({ resumable: true, reason: 'PO-1 for 12,000 TWD', page: { kind: 'approval' } });
    const approved = await wake(waitFor, { by: 'call', at: '2026-12-07T10:00:00Z', data: { decision: 'approve', comment: 'ok' }, caller: '10.0.0.5' });
    expect(approved.main![0]!.json.wait).toEqual({ outcome: 'approved', at: '2026-12-07T10:00:00Z', data: { decision: 'approve', comment: 'ok' }, caller: '10.0.0.5' });
    expect(approved.rejected).toEqual([]);
    const rejected = await wake(waitFor, { by: 'call', at: '2026-12-07T10:00:00Z', data: { decision: 'reject' } });
    expect(rejected.main).toEqual([]);
    expect(rejected.rejected![0]!.json.wait).toMatchObject({ outcome: 'rejected' });
  });

  it('an approval nobody gave counts as the node says: rejected, approved, or a failure', async () => {
    const base = { mode: 'approval', message: 'PO', expiresIn: 1, expiresUnit: 'hours' };
    const at = { by: 'time' as const, at: '2026-12-07T11:00:00Z' };
    expect((await wake({ ...base, onExpiry: 'reject' }, at)).rejected![0]!.json.wait).toMatchObject({ outcome: 'expired' });
    expect((await wake({ ...base, onExpiry: 'approve' }, at)).main![0]!.json.wait).toMatchObject({ outcome: 'expired' });
    await expect(wake({ ...base, onExpiry: 'fail' }, at)).rejects.toThrow('Nobody answered before the link expired (2026-12-07T11:00:00Z)');
  });

  it('a form hands on what was filled in; a link open for 0 never expires', async () => {
    const waitFor = { mode: 'form', message: 'How many?', fields: [{ name: 'quantity', label: 'Quantity', type: 'number' }], expiresIn: 0 };
    const asked = await start(waitFor);
    expect(isStepWait(asked) && asked.wait).toMatchObject({ until: null, page: { kind: 'form', fields: [{ name: 'quantity', required: true }] } });
    const woke = await wake(waitFor, { by: 'call', at: '2026-12-07T10:00:00Z', data: { quantity: 12 } });
    expect(woke.main![0]!.json.wait).toMatchObject({ outcome: 'submitted', data: { quantity: 12 } });
  });

  it('checks its params on save: a positive duration, field names, at least one form field', () => {
    const problems = (waitFor: unknown) => definition.params.safeParse({ waitFor }).error?.issues.map((issue) => issue.message) ?? [];
    expect(problems({ mode: 'duration', amount: 0, unit: 'minutes' })).toEqual(['Give a duration above zero']);
    expect(problems({ mode: 'form', message: 'x', fields: [] })).toEqual(['Add at least one field']);
    expect(problems({ mode: 'form', message: 'x', fields: [{ name: '1 bad', label: 'Bad' }] })).toEqual(['Letters, digits and _ only, starting with a letter']);
    expect(problems({ mode: 'callback' })).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { NonRetriableError, type ItemContext, type JsonObject } from '../../sdk/index.ts';
import { Condition, definition, Params } from './definition.ts';
import { run, test } from './run.ts';
import { itemContext } from '../../sdk/testing.ts';

function ctx(params: unknown, json: JsonObject = {}): ItemContext<Params> {
  return itemContext(definition, params, { json });
}

/** One condition, parsed through the schema so `caseSensitive` gets its default. */
function holds(left: unknown, op: Condition['op'], right?: unknown, caseSensitive?: boolean): boolean {
  // Every operator but "matches" answers synchronously.
  return test(Condition.parse({ left, op, right, ...(caseSensitive === undefined ? {} : { caseSensitive }) })) as boolean;
}

describe('logic.if operators', () => {
  it('equals / notEquals compare numbers as numbers, numeric text too', () => {
    expect(holds(12.5, 'equals', '12.50')).toBe(true);
    expect(holds('007', 'equals', 7)).toBe(true);
    expect(holds('12', 'equals', '13')).toBe(false);
    expect(holds(12, 'notEquals', '12.0')).toBe(false);
    expect(holds(12, 'notEquals', 13)).toBe(true);
    expect(holds('', 'equals', 0)).toBe(false); // empty text is not the number 0
  });

  it('equals compares text case-sensitively unless told otherwise', () => {
    expect(holds('Gold', 'equals', 'gold')).toBe(false);
    expect(holds('Gold', 'equals', 'gold', false)).toBe(true);
    expect(holds('Gold', 'notEquals', 'GOLD', false)).toBe(false);
    expect(holds('Gold', 'notEquals', 'GOLD')).toBe(true);
  });

  it('equals compares lists and objects by value and does not mix types', () => {
    expect(holds({ a: 1, b: [2] }, 'equals', { a: 1, b: [2] })).toBe(true);
    expect(holds([1, 2], 'equals', [2, 1])).toBe(false);
    expect(holds(null, 'equals', null)).toBe(true);
    expect(holds(null, 'equals', undefined)).toBe(false);
    expect(holds(true, 'equals', 'true')).toBe(false);
    expect(holds(true, 'equals', true)).toBe(true);
  });

  it('gt / gte / lt / lte order numbers and numeric text numerically', () => {
    expect(holds('12.50', 'gt', 9)).toBe(true); // as text "12.50" < "9"
    expect(holds('100', 'gt', '20')).toBe(true);
    expect(holds(5, 'gt', 5)).toBe(false);
    expect(holds(5, 'gte', '5')).toBe(true);
    expect(holds(4.99, 'lt', 5)).toBe(true);
    expect(holds(5, 'lt', 5)).toBe(false);
    expect(holds('5', 'lte', 5)).toBe(true);
    expect(holds(6, 'lte', 5)).toBe(false);
  });

  it('orders text alphabetically, case-insensitively when asked', () => {
    expect(holds('apple', 'lt', 'banana')).toBe(true);
    expect(holds('Banana', 'gt', 'apple')).toBe(false); // "B" sorts before "a"
    expect(holds('Banana', 'gt', 'apple', false)).toBe(true);
  });

  it('is false, not an error, for values that cannot be ordered', () => {
    expect(holds('abc', 'gt', 5)).toBe(false);
    expect(holds(undefined, 'lt', 5)).toBe(false);
    expect(holds({}, 'gte', {})).toBe(false);
    expect(holds(null, 'lte', 0)).toBe(false);
  });

  it('contains looks into text', () => {
    expect(holds('Express delivery', 'contains', 'press')).toBe(true);
    expect(holds('Express delivery', 'contains', 'EXPRESS')).toBe(false);
    expect(holds('Express delivery', 'contains', 'EXPRESS', false)).toBe(true);
    expect(holds('Order 1234', 'contains', 23)).toBe(true);
    expect(holds('text', 'contains', undefined)).toBe(false);
    expect(holds('text', 'contains', null)).toBe(false);
  });

  it('contains looks for an element of a list', () => {
    expect(holds(['vip', 'wholesale'], 'contains', 'vip')).toBe(true);
    expect(holds(['vip', 'wholesale'], 'contains', 'VIP')).toBe(false);
    expect(holds(['vip', 'wholesale'], 'contains', 'VIP', false)).toBe(true);
    expect(holds(['vipx'], 'contains', 'vip')).toBe(false); // whole elements, not substrings
    expect(holds([1, 2, 3], 'contains', '2')).toBe(true);
    expect(holds([{ sku: 'A' }], 'contains', { sku: 'A' })).toBe(true);
    expect(holds([], 'contains', 'x')).toBe(false);
  });

  it('contains is false for values that hold nothing', () => {
    expect(holds(42, 'contains', 4)).toBe(false);
    expect(holds(null, 'contains', 'x')).toBe(false);
    expect(holds({ a: 1 }, 'contains', 'a')).toBe(false);
  });

  it('exists / notExists treat undefined, null and empty text as missing', () => {
    for (const missing of [undefined, null, '']) {
      expect(holds(missing, 'exists')).toBe(false);
      expect(holds(missing, 'notExists')).toBe(true);
    }
    for (const present of [0, false, ' ', 'x', [], {}]) {
      expect(holds(present, 'exists')).toBe(true);
      expect(holds(present, 'notExists')).toBe(false);
    }
  });

  it('matches never runs a pattern on the host: without the sandbox it fails for good', () => {
    // The schema refuses a bad literal pattern; one computed at run time reaches test().
    expect(Condition.safeParse({ left: 'a', op: 'matches', right: '(' }).success).toBe(false);
    expect(() => test({ left: 'a', op: 'matches', right: 'a', caseSensitive: true })).toThrow(/runs the regular expression in the sandbox/);
    expect(() => test({ left: 'a', op: 'matches', right: 5, caseSensitive: true })).toThrow(NonRetriableError);
    // Matching itself is tested against the real sandbox: server/src/sandbox/regex.test.ts.
  });

  it('matches hands pattern, flags and text to the regex tester, and is false for other values', async () => {
    const seen: string[][] = [];
    const tester = async (pattern: string, flags: string, subject: string) => {
      seen.push([pattern, flags, subject]);
      return true;
    };
    expect(await test({ left: 1234, op: 'matches', right: '^\\d+$', caseSensitive: false }, tester)).toBe(true);
    expect(await test({ left: { a: 1 }, op: 'matches', right: '.*', caseSensitive: true }, tester)).toBe(false);
    expect(seen).toEqual([['^\\d+$', 'i', '1234']]);
  });
});

describe('logic.if routing', () => {
  const order = { total: '1250.00', country: 'TW', tags: ['vip'] };

  it('sends an item to "true" when the conditions hold', async () => {
    const result = await run(ctx({ conditions: [{ left: order.total, op: 'gt', right: 1000 }] }, order));
    expect(result).toEqual({ true: [{ json: order }], false: [] });
  });

  it('sends an item to "false" when they do not', async () => {
    const result = await run(ctx({ conditions: [{ left: order.total, op: 'gt', right: 5000 }] }, order));
    expect(result).toEqual({ true: [], false: [{ json: order }] });
  });

  it('"and" needs every condition, "or" any one', async () => {
    const conditions = [
      { left: order.country, op: 'equals', right: 'tw', caseSensitive: false },
      { left: order.tags, op: 'contains', right: 'wholesale' },
    ];
    expect((await run(ctx({ conditions }, order))).false).toHaveLength(1);
    expect((await run(ctx({ conditions, combine: 'and' }, order))).false).toHaveLength(1);
    expect((await run(ctx({ conditions, combine: 'or' }, order))).true).toHaveLength(1);
    const neither = [conditions[1], { left: order.country, op: 'equals', right: 'PL' }];
    expect((await run(ctx({ conditions: neither, combine: 'or' }, order))).false).toHaveLength(1);
  });

  it('does not change the item it routes', async () => {
    const json = { total: 5, nested: { a: 1 } };
    const snapshot = structuredClone(json);
    const result = await run(ctx({ conditions: [{ left: 5, op: 'exists' }] }, json));
    expect(result.true![0]!.json).toEqual(snapshot);
    expect(json).toEqual(snapshot);
  });

  it('refuses params without conditions or with unknown operators', () => {
    expect(Params.safeParse({ conditions: [] }).success).toBe(false);
    expect(Params.safeParse({ conditions: [{ left: 1, op: 'between', right: 2 }] }).success).toBe(false);
    expect(Params.safeParse({ conditions: [{ left: 1, op: 'exists' }], combine: 'xor' }).success).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { toJsonb, unstorableAt } from './storable-text.ts';
import { createTestDatabase } from './testing/database.ts';

describe('text PostgreSQL can store', () => {
  it('replaces NULs and lone surrogates in values and keys, keeps valid pairs and look-alike text', () => {
    const value = { note: 'a\u0000b\ud800c', ['k\u0000']: ['\udfff'], emoji: '😀', text: 'the text \\u0000 stays', slash: '\\\u0000' };
    expect(JSON.parse(toJsonb(value))).toEqual({ note: 'a\uFFFDb\uFFFDc', ['k\uFFFD']: ['\uFFFD'], emoji: '😀', text: 'the text \\u0000 stays', slash: '\\\uFFFD' });
    expect(toJsonb({ plain: 'order 42' })).toBe('{"plain":"order 42"}');
  });

  it('finds where a JSON text holds what cannot be stored, and nothing in look-alikes', () => {
    expect(unstorableAt('{"name":"a\\u0000"}')).toBe(10);
    expect(unstorableAt('{"name":"\\uD83D"}')).toBe(9);
    expect(unstorableAt('{"name":"\\\\u0000 and \\ud83d\\ude00"}')).toBe(-1);
  });

  it('is what PostgreSQL jsonb accepts', async () => {
    const database = await createTestDatabase({ max: 1 });
    try {
      const hostile = { ['x\u0000']: 'a\u0000\ud800\udc00\udc00', deep: [{ s: '\ud83d' }] };
      const result = await database.pool.query<{ value: Record<string, unknown> }>('select $1::jsonb as value', [toJsonb(hostile)]);
      expect(result.rows[0]!.value).toEqual({ ['x\uFFFD']: 'a\uFFFD\ud800\udc00\uFFFD', deep: [{ s: '\uFFFD' }] });
      await expect(database.pool.query('select $1::jsonb', [JSON.stringify(hostile)])).rejects.toThrow();
    } finally {
      await database.drop();
    }
  });
});

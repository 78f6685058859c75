import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { describeError } from './log.ts';

describe('describeError', () => {
  it("gives the database's message and the statement of a failed query, never its parameters", () => {
    const cause = new Error('duplicate key value violates unique constraint "variables_pkey"');
    const error = new DrizzleQueryError('insert into "variables" ("key", "value") values ($1, $2)', ['ERP_TOKEN', 'the-secret-value'], cause);
    const described = describeError(error);
    expect(described).toBe('duplicate key value violates unique constraint "variables_pkey" (in insert into "variables" ("key", "value") values ($1, $2))');
    expect(described).not.toContain('the-secret-value');
    expect(error.message).toContain('the-secret-value');
  });

  it('gives other errors their message', () => {
    expect(describeError(new TypeError('x is not a function'))).toBe('x is not a function');
    expect(describeError('thrown text')).toBe('thrown text');
  });
});

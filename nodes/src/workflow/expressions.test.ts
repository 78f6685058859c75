import { describe, expect, it } from 'vitest';
import { containsExpression, wholeExpression } from './expressions.ts';

describe('containsExpression', () => {
  it('finds {{ }} markers anywhere in a string', () => {
    expect(containsExpression('{{ $json.total }}')).toBe(true);
    expect(containsExpression('https://{{ $json.host }}/api')).toBe(true);
    expect(containsExpression('{{\n $json.a\n}}')).toBe(true);
  });

  it('ignores strings without a complete marker, and non-strings', () => {
    expect(containsExpression('plain text')).toBe(false);
    expect(containsExpression('{{ not closed')).toBe(false);
    expect(containsExpression('{ single }')).toBe(false);
    expect(containsExpression(42)).toBe(false);
    expect(containsExpression({ value: '{{ $json.a }}' })).toBe(false);
    expect(containsExpression(undefined)).toBe(false);
  });
});

describe('wholeExpression', () => {
  it('returns the source of a param that is exactly one expression', () => {
    expect(wholeExpression('{{ $json.total }}')).toBe('$json.total');
    expect(wholeExpression('  {{$json.a + 1}}  ')).toBe('$json.a + 1');
  });

  it('is undefined for text around or between expressions', () => {
    expect(wholeExpression('Total: {{ $json.total }}')).toBeUndefined();
    expect(wholeExpression('{{ $json.a }} and {{ $json.b }}')).toBeUndefined();
    expect(wholeExpression('no expression')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { pairedIndexes, pairedItemProblem } from './pairing.ts';

describe('pairedItem', () => {
  it('lists the input indexes an item names', () => {
    expect(pairedIndexes(undefined)).toEqual([]);
    expect(pairedIndexes(2)).toEqual([2]);
    expect(pairedIndexes([0, 3])).toEqual([0, 3]);
  });

  it('accepts indexes of items the step received, and no pairing at all', () => {
    expect(pairedItemProblem(undefined, 0)).toBeUndefined();
    expect(pairedItemProblem(0, 1)).toBeUndefined();
    expect(pairedItemProblem([0, 2], 3)).toBeUndefined();
  });

  it('says what is wrong with anything else', () => {
    expect(pairedItemProblem(3, 3)).toBe('pairedItem 3 names an input item the step did not receive (it received 3)');
    expect(pairedItemProblem([0, -1], 3)).toBe('pairedItem -1 is not an item index');
    expect(pairedItemProblem(1.5, 3)).toBe('pairedItem 1.5 is not an item index');
    expect(pairedItemProblem({ item: 0 }, 3)).toBe('pairedItem {"item":0} is not an item index');
  });
});

import { describe, expect, it } from 'vitest';
import { BoundedMap } from '../../../sdk/rate-limit/bounded-map.ts';

describe('BoundedMap', () => {
  it('evicts the oldest key beyond max and returns it', () => {
    const map = new BoundedMap<string, number>(2);
    expect(map.set('a', 1)).toBeUndefined();
    expect(map.set('b', 2)).toBeUndefined();
    expect(map.set('c', 3)).toEqual(['a', 1]);
    expect([...map.entries()]).toEqual([['b', 2], ['c', 3]]);
  });

  it('replacing a key neither evicts nor reorders; touch makes it young', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 10);
    expect([...map.entries()]).toEqual([['a', 10], ['b', 2]]);
    map.touch('a', 11);
    expect(map.set('c', 3)).toEqual(['b', 2]);
    expect(map.size).toBe(2);
  });

  it('rejects a non-positive cap', () => {
    expect(() => new BoundedMap(0)).toThrowErrorMatchingInlineSnapshot(`[RangeError: BoundedMap: max must be a positive integer (got 0)]`);
  });
});

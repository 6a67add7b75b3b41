import { describe, expect, test } from 'bun:test';
import { VersionedCache } from '../../src/lib/response-cache';

describe('VersionedCache', () => {
  test('serves an entry only at the version it was stored under', () => {
    const cache = new VersionedCache<string>(10);
    cache.set('a', 1, 'one');
    expect(cache.get('a', 1)).toBe('one');
    expect(cache.get('a', 2)).toBeUndefined();
    expect(cache.get('a', 1)).toBeUndefined();
  });

  test('drops the least recently used entry at the count bound', () => {
    const cache = new VersionedCache<string>(2);
    cache.set('a', 1, 'A');
    cache.set('b', 1, 'B');
    cache.get('a', 1);
    cache.set('c', 1, 'C');
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.get('a', 1)).toBe('A');
    expect(cache.get('c', 1)).toBe('C');
  });

  test('keeps the total weight under the bound and refuses values larger than it', () => {
    const cache = new VersionedCache<string>(100, { weigh: (v) => v.length, maxWeight: 10 });
    cache.set('a', 1, 'xxxx');
    cache.set('b', 1, 'yyyy');
    cache.set('c', 1, 'zzzz');
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.size).toBe(2);
    cache.set('huge', 1, 'x'.repeat(11));
    expect(cache.get('huge', 1)).toBeUndefined();
    expect(cache.size).toBe(2);
  });
});

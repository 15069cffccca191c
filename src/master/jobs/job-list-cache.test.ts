import { describe, expect, it } from 'vitest';
import { JobListCache } from './job-list-cache.js';

const list = (text: string, total?: number) => ({ body: Buffer.from(text), total });

describe('JobListCache', () => {
  it('answers only for the version an entry was stored under, and forgets it on a newer one', () => {
    const cache = new JobListCache();
    cache.set('q', '1.1', list('[1]', 1));
    expect(cache.get('q', '1.1')).toEqual(list('[1]', 1));
    expect(cache.get('other', '1.1')).toBeUndefined();
    expect(cache.get('q', '2.1')).toBeUndefined();
    expect(cache.get('q', '1.1')).toBeUndefined();
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  });

  it('evicts the least recently used entries beyond its entry and byte limits', () => {
    const cache = new JobListCache({ entries: 2, bytes: 10, entryBytes: 8 });
    cache.set('a', 'v', list('aaa'));
    cache.set('b', 'v', list('bbb'));
    expect(cache.get('a', 'v')).toBeDefined(); // a is now the most recent
    cache.set('c', 'v', list('ccc'));
    expect(cache.get('b', 'v')).toBeUndefined();
    expect(cache.get('a', 'v')).toBeDefined();
    cache.set('d', 'v', list('dddddddd')); // 8 bytes: only d and one more 3-byte entry would pass 10
    expect(cache.size.bytes).toBeLessThanOrEqual(10);
    expect(cache.get('d', 'v')).toBeDefined();
    cache.set('e', 'v', list('too long!')); // over entryBytes: not kept
    expect(cache.get('e', 'v')).toBeUndefined();
    expect(cache.size.bytes).toBeLessThanOrEqual(10);
  });

  it('replaces an entry stored again under the same key', () => {
    const cache = new JobListCache();
    cache.set('q', '1.1', list('[1]'));
    cache.set('q', '2.1', list('[1,2]'));
    expect(cache.get('q', '2.1')?.body.toString()).toBe('[1,2]');
    expect(cache.size).toEqual({ entries: 1, bytes: 5 });
  });

  it('gives an ETag per version that another process would not give', () => {
    const one = new JobListCache();
    const two = new JobListCache();
    expect(one.etag('3.4')).toBe(one.etag('3.4'));
    expect(one.etag('3.4')).not.toBe(one.etag('3.5'));
    expect(one.etag('3.4')).not.toBe(two.etag('3.4'));
  });
});

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import { TaskLogStore, TaskLogTooLargeError, TaskLogUploadInterruptedError } from './task-log-store.js';

async function listEntries(store: TaskLogStore) {
  const entries = [];
  for await (const entry of store.entries()) entries.push(entry);
  return entries;
}

const CSV = '2026-01-01T00:00:00.000Z,42,0,1,hello\n2026-01-01T00:00:01.000Z,42,1,2,world\n';

describe('TaskLogStore', () => {
  let root: string;
  let store: TaskLogStore;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'drover-logstore-'));
    store = new TaskLogStore(join(root, 'logs'), 1024);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('stores uploads gzipped and reads them back', async () => {
    expect(await store.write('a.csv', Readable.from([CSV]))).toBe(CSV.length);
    expect(readdirSync(store.dir)).toEqual(['a.csv.gz']);
    expect(gunzipSync(readFileSync(join(store.dir, 'a.csv.gz'))).toString()).toBe(CSV);
    const opened = await store.open('a.csv');
    expect(opened?.encoding).toBe('gzip');
    opened?.stream.destroy();
    expect((await store.read('a.csv'))?.toString()).toBe(CSV);
    expect(await store.open('missing.csv')).toBeUndefined();
  });

  it('prefers a plain file, and an upload replaces it', async () => {
    await store.write('a.csv', Readable.from(['old\n']));
    writeFileSync(join(store.dir, 'a.csv'), 'plain\n');
    expect((await store.read('a.csv'))?.toString()).toBe('plain\n');
    await store.write('a.csv', Readable.from(['new\n']));
    expect(readdirSync(store.dir)).toEqual(['a.csv.gz']);
    expect((await store.read('a.csv'))?.toString()).toBe('new\n');
  });

  it('refuses uploads over the limit and leaves nothing behind', async () => {
    await store.write('a.csv', Readable.from(['kept\n']));
    const big = Readable.from([Buffer.alloc(600, 'x'), Buffer.alloc(600, 'y')]);
    await expect(store.write('a.csv', big)).rejects.toBeInstanceOf(TaskLogTooLargeError);
    expect(readdirSync(store.dir)).toEqual(['a.csv.gz']);
    expect((await store.read('a.csv'))?.toString()).toBe('kept\n');
  });

  it('reports an interrupted upload', async () => {
    const source = new Readable({ read() {} });
    source.push('partial');
    setTimeout(() => source.destroy(new Error('aborted')), 5);
    await expect(store.write('a.csv', source)).rejects.toBeInstanceOf(TaskLogUploadInterruptedError);
    expect(readdirSync(store.dir)).toEqual([]);
  });

  it('checks identifiers itself', async () => {
    await expect(store.write('../escape', Readable.from(['x']))).rejects.toBeInstanceOf(ValidationError);
    await expect(store.open('../../etc/passwd')).rejects.toBeInstanceOf(ValidationError);
  });

  it('lists its files and compresses plain ones', async () => {
    expect(await listEntries(store)).toEqual([]);
    await store.write('a.csv', Readable.from(['a\n']));
    writeFileSync(join(store.dir, 'b.csv'), 'b\n');
    writeFileSync(join(store.dir, '.upload-123'), 'partial');
    const entries = await listEntries(store);
    expect(entries.map(({ name, identifier, compressed }) => ({ name, identifier, compressed }))).toEqual(
      expect.arrayContaining([
        { name: 'a.csv.gz', identifier: 'a.csv', compressed: true },
        { name: 'b.csv', identifier: 'b.csv', compressed: false },
        { name: '.upload-123', identifier: undefined, compressed: false },
      ]),
    );
    await store.compress('b.csv');
    expect(readdirSync(store.dir).sort()).toEqual(['.upload-123', 'a.csv.gz', 'b.csv.gz']);
    expect((await store.read('b.csv'))?.toString()).toBe('b\n');
    await store.removeEntry('.upload-123');
    expect(readdirSync(store.dir).sort()).toEqual(['a.csv.gz', 'b.csv.gz']);
  });
});

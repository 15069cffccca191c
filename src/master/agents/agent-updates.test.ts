import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkUpdateVersion, findUpdate, looksLikeZip, storeUpdate, updateWebUrl } from './agent-updates.js';

describe('agent update versions', () => {
  it.each([
    '1',
    '1.2',
    '1.2.3',
    '10.20.30',
    '1.2.3-pre',
    '1.2.3-pre1',
    '1.2-dev2',
    '2.0-rc1',
    '2.0-r1',
    '2.0-r',
    '1-alpha',
    '1.0-beta3',
  ])('accepts %s', (version) => expect(checkUpdateVersion(version)).toBe(version));
  it.each(['', 'v1', '1.2.3.4', '1.2.3-gamma', '1.2.3-rc12', '../1.2', '1.2/..', '1.2\n', ' 1.2', '1..2'])(
    'refuses %j',
    (version) =>
      expect(() => checkUpdateVersion(version)).toThrow(/^version: .* is not an acceptable version/),
  );
  it('builds the web directory URL', () => {
    expect(updateWebUrl('https://cdn/x//', '1.0')).toBe('https://cdn/x/pyfarm-agent-1.0.zip');
  });
});

describe('stored packages', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('recognises zips by their signature', () => {
    expect(looksLikeZip(Buffer.from('PK\x03\x04rest'))).toBe(true);
    expect(looksLikeZip(Buffer.from('PK\x05\x06'))).toBe(true);
    expect(looksLikeZip(Buffer.from('PK'))).toBe(false);
    expect(looksLikeZip(Buffer.from('%PDF-1.7'))).toBe(false);
  });

  it('writes a package atomically, replaces it, and finds it', async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'drover-updates-')), 'nested');
    expect(await findUpdate(dir, '1.0')).toBeUndefined();
    await storeUpdate(dir, '1.0', Buffer.from('PK\x03\x04first'));
    await storeUpdate(dir, '1.0', Buffer.from('PK\x03\x04second!'));
    expect(readdirSync(dir)).toEqual(['pyfarm-agent-1.0.zip']);
    expect(await findUpdate(dir, '1.0')).toEqual({ path: join(dir, 'pyfarm-agent-1.0.zip'), size: 11 });
    await expect(storeUpdate(dir, '1.1', Buffer.from('nope'))).rejects.toThrow(/not a zip/);
    await expect(storeUpdate(dir, '../1', Buffer.from('PK\x03\x04'))).rejects.toThrow(/version/);
    expect(readdirSync(dir)).toEqual(['pyfarm-agent-1.0.zip']);
  });
});

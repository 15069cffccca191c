import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import { checkString, checkText } from './field-rules.js';

describe('text that no database can store', () => {
  it.each([
    ['a lone high surrogate', 'x\ud800'],
    ['a lone low surrogate', '\udc00y'],
    ['reversed surrogates', '\udc00\ud800'],
  ])('refuses %s', (_what, value) => {
    for (const check of [
      () => checkString('name', value, { maxLength: 10 }),
      () => checkText('notes', value),
    ]) {
      expect(check).toThrow(ValidationError);
      expect(check).toThrow(/name|notes: must be valid Unicode/);
    }
  });

  it('refuses NUL and accepts every well-formed string', () => {
    expect(() => checkString('name', 'a\0b', { maxLength: 10 })).toThrow(/NUL/);
    expect(checkString('name', '😀 é', { maxLength: 10 })).toBe('😀 é');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), (value) => {
        fc.pre(value.trim() !== '' && !value.includes('\0'));
        expect(checkText('notes', value)).toBe(value);
      }),
    );
  });
});

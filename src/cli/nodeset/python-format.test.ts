import { describe, expect, it } from 'vitest';
import { pyFormat, PyTypeError, PyValueError, type FormatValue } from './python-format.js';
import { evalTripleQuoted, PySyntaxError } from './python-literal.js';
import { pyAscii, pyRepr } from './python-repr.js';

const str = (value: string): FormatValue => ({ kind: 'str', value });
const int = (value: number): FormatValue => ({ kind: 'int', value });

describe('Python % formatting', () => {
  // Expectations computed with CPython 3.11.
  const cases: [string, FormatValue, string][] = [
    ['%s', str('n1'), 'n1'],
    ['%5s|', str('ab'), '   ab|'],
    ['%-5s|', str('ab'), 'ab   |'],
    ['%.2s', str('abc'), 'ab'],
    ['%r', str("a'b"), `"a'b"`],
    ['%r', str('c"d'), `'c"d'`],
    ['%a', str('nœud'), `'n\\u0153ud'`],
    ['%c', str('x'), 'x'],
    ['x%sy', str('n1'), 'xn1y'],
    ['%%%s', str('n1'), '%n1'],
    ['%d', int(10), '10'],
    ['%05d', int(10), '00010'],
    ['%+d', int(10), '+10'],
    ['% d', int(10), ' 10'],
    ['%x', int(255), 'ff'],
    ['%#X', int(255), '0XFF'],
    ['%#o', int(8), '0o10'],
    ['%.3d', int(5), '005'],
    ['%05.3d', int(5), '00005'],
    ['%e', int(10), '1.000000e+01'],
    ['%.0e', int(10), '1e+01'],
    ['%#.0e', int(10), '1.e+01'],
    ['%f', int(1), '1.000000'],
    ['%10.4f', int(1), '    1.0000'],
    ['%g', int(100000), '100000'],
    ['%g', int(1000000), '1e+06'],
    ['%G', int(1e16), '1E+16'],
    ['%#g', int(10), '10.0000'],
    ['%.3g', int(123456), '1.23e+05'],
    ['%c', int(65), 'A'],
    ['%-3c|', int(65), 'A  |'],
    ['%i %%', int(7), '7 %'],
    ['%ld', int(3), '3'],
  ];
  it.each(cases)('%j %% %j', (fmt, value, expected) => {
    expect(pyFormat(fmt, value)).toBe(expected);
  });

  it('treats a RangeSet value as a mapping, as Python does', () => {
    const rs: FormatValue = { kind: 'object', text: '1-3', typeName: 'RangeSet' };
    expect(pyFormat('x', rs)).toBe('x');
    expect(pyFormat('%-5r|', rs)).toBe('1-3  |');
    expect(() => pyFormat('%(a)s', rs)).toThrow('RangeSet indices must be integers');
    expect(() => pyFormat('%d', rs)).toThrow('%d format: a real number is required, not RangeSet');
  });

  const failures: [string, FormatValue, new (message: string) => Error, string][] = [
    ['%d', str('n1'), PyTypeError, '%d format: a real number is required, not str'],
    ['%x', str('n1'), PyTypeError, '%x format: an integer is required, not str'],
    ['%f', str('n1'), PyTypeError, 'must be real number, not str'],
    ['%c', str('ab'), PyTypeError, '%c requires int or char'],
    ['x', str('n1'), PyTypeError, 'not all arguments converted during string formatting'],
    ['%s%s', str('n1'), PyTypeError, 'not enough arguments for format string'],
    ['%*d', int(1), PyTypeError, 'not enough arguments for format string'],
    ['%(a)s', int(1), PyTypeError, 'format requires a mapping'],
    ['%y', int(1), PyValueError, "unsupported format character 'y' (0x79) at index 1"],
    ['%5%', int(1), PyValueError, "unsupported format character '%' (0x25) at index 2"],
    ['%', int(1), PyValueError, 'incomplete format'],
  ];
  it.each(failures)('%j %% %j fails like Python', (fmt, value, kind, message) => {
    expect(() => pyFormat(fmt, value)).toThrow(kind);
    expect(() => pyFormat(fmt, value)).toThrow(message);
  });
});

describe('Python string literals and repr', () => {
  it.each([
    [' ', ' '],
    ['\\n', '\n'],
    ['\\t,', '\t,'],
    ['\\x41\\101\\u00e9', 'AAé'],
    ['\\\\', '\\'],
    ['\\d', '\\d'],
    ["''", ''],
    ["a''' '''b", 'ab'],
    ['', ''],
  ])('separator %j is %j', (text, value) => {
    expect(evalTripleQuoted(text)).toBe(value);
  });

  it.each(['\\', "'", '\\x4', '\\N{DASH}', "a'''x"])('separator %j is invalid', (text) => {
    expect(() => evalTripleQuoted(text)).toThrow(PySyntaxError);
  });

  it('quotes like repr() and ascii()', () => {
    expect(pyRepr("it's")).toBe(`"it's"`);
    expect(pyRepr('a\tb\x01')).toBe(`'a\\tb\\x01'`);
    expect(pyRepr('-x')).toBe(`'-x'`);
    expect(pyAscii('é\u{1F600}')).toBe(`'\\xe9\\U0001f600'`);
  });
});

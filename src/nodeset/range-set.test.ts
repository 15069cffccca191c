import { describe, expect, it } from 'vitest';
import { NodeSetLimitError, NodeSetValueError, RangeSetParseError } from './errors.js';
import { RangeSet } from './range-set.js';

describe('RangeSet parsing and folding', () => {
  // [input, folded, count] — expectations observed with ClusterShell 1.9.1
  const cases: [string, string, number][] = [
    ['1-5,7', '1-5,7', 6],
    ['0-8/2', '0,2,4,6,8', 5],
    ['1 - 3', '1-3', 3],
    ['1/1', '1', 1],
    ['+1', '1', 1],
    ['001-100', '001-100', 100],
    ['1-10,01-10', '1-9,01-10', 19],
    ['2,01,001', '2,01,001', 3],
    ['009,10', '10,009', 2],
    ['-5', '-5', 1],
    ['-3--1', '-3--1', 3],
    ['-3-2', '-3-2', 6],
    ['1-2-3', '-2-3', 6],
    ['0-00', '0', 1],
    ['1_0', '10', 1],
    ['08-12', '08-12', 5],
    ['8-12,09-10', '8-9,09-12', 6],
    ['99,100,000', '99,000,100', 3],
    ['5,3,1,2,4', '1-5', 5],
  ];
  it.each(cases)('%j folds to %j (%i elements)', (input, folded, count) => {
    const rs = RangeSet.parse(input);
    expect(rs.toString()).toBe(folded);
    expect(rs.length).toBe(count);
  });

  const errors: [string, string, string][] = [
    ['3/2', '3/2', 'invalid step usage : "3/2"'],
    ['1-3/0', '1-3/0', 'invalid values in range : "1-3/0"'],
    ['3-1', '3-1', 'invalid values in range : "3-1"'],
    ['1,,2', '', 'empty range'],
    ['1,', '', 'empty range'],
    ['0x10', '0x10', 'cannot convert string to integer : "0x10"'],
    ['1.5', '1.5', 'cannot convert string to integer : "1.5"'],
    ['1-02', '1-02', 'padding length mismatch : "1-02"'],
    ['001-10', '001-10', 'padding length mismatch : "001-10"'],
    ['-01', '-01', 'padding not supported in negative ranges : "-01"'],
    ['1-3/x', '1-3/x', 'cannot convert string to integer : "1-3/x"'],
  ];
  it.each(errors)('%j is refused with part %j', (input, part, message) => {
    const err = (() => {
      try {
        RangeSet.parse(input);
      } catch (e) {
        return e;
      }
    })() as RangeSetParseError;
    expect(err).toBeInstanceOf(RangeSetParseError);
    expect(err.part).toBe(part);
    expect(err.message).toBe(message);
  });

  it('refuses what ClusterShell rejects with plain errors, and what this implementation cannot hold', () => {
    expect(() => RangeSet.parse('1-2000000000')).toThrow(NodeSetValueError);
    expect(() => RangeSet.parse('1-2-3-4-5')).toThrow('too many values to unpack (expected 4)');
    expect(() => RangeSet.parse('1234567890123456')).toThrow(NodeSetLimitError);
  });
});

describe('RangeSet autostep', () => {
  const cases: [string, number, string][] = [
    ['1,3,5,6,7', 3, '1-5/2,6-7'],
    ['1,2,4,6,8', 3, '1-2,4-8/2'],
    ['1-13/4,7', 3, '1,5-9/2,13'],
    ['01,03,05,7,9,11', 3, '7,9,01-05/2,11'],
    ['1,3', 2, '1-3/2'],
    ['1,3', 0, '1-3/2'],
    ['1,3,5', 4, '1,3,5'],
    ['1-100/3', 10, '1-100/3'],
  ];
  it.each(cases)('%j with autostep %i folds to %j', (input, autostep, folded) => {
    expect(RangeSet.parse(input, autostep).toString()).toBe(folded);
  });

  it('keeps the autostep of the left operand', () => {
    const stepped = RangeSet.parse('1-9/2', 3);
    expect(stepped.union(RangeSet.parse('11')).toString()).toBe('1-11/2');
    expect(RangeSet.parse('11').union(stepped).toString()).toBe('1,3,5,7,9,11');
  });
});

describe('RangeSet algebra and positions', () => {
  const a = RangeSet.parse('1-10');
  const b = RangeSet.parse('5-15');
  it.each([
    ['union', a.union(b), '1-15'],
    ['intersection', a.intersection(b), '5-10'],
    ['difference', a.difference(b), '1-4'],
    ['symmetric difference', a.symmetricDifference(b), '1-4,11-15'],
    ['padding-sensitive difference', RangeSet.parse('1-3').difference(RangeSet.parse('01-03')), '1-3'],
  ])('%s', (_name, result, folded) => {
    expect(result.toString()).toBe(folded);
  });

  it('updates in place, merging elements added out of order', () => {
    const rs = new RangeSet();
    for (const e of ['7', '3', '1', '2', '10', '8', '9']) rs.add(e);
    expect(rs.toString()).toBe('1-3,7-10');
    rs.differenceUpdate(RangeSet.parse('2-8'));
    expect(rs.toString()).toBe('1,9-10');
  });

  it('compares as sets of strings', () => {
    expect(RangeSet.parse('1-3').equals(RangeSet.parse('3,2,1'))).toBe(true);
    expect(RangeSet.parse('1-3').equals(RangeSet.parse('01-03'))).toBe(false);
    expect(RangeSet.parse('1-5').isSuperset(RangeSet.parse('2-3'))).toBe(true);
    expect(RangeSet.parse('2-3').isProperSuperset(RangeSet.parse('2-3'))).toBe(false);
    expect(RangeSet.parse('1,5').intersects(RangeSet.parse('2-4'))).toBe(false);
    expect(RangeSet.parse('01-03').has('02')).toBe(true);
    expect(RangeSet.parse('01-03').has('2')).toBe(false);
  });

  it('indexes, slices and splits in iteration order', () => {
    const rs = RangeSet.parse('1-5,01-03');
    expect([...rs]).toEqual(['1', '2', '3', '4', '5', '01', '02', '03']);
    expect(rs.at(5)).toBe('01');
    expect(rs.at(-1)).toBe('03');
    expect(rs.at(8)).toBeUndefined();
    expect(rs.slice(3, 6).toString()).toBe('4-5,01');
    expect(rs.slice(-2).toString()).toBe('02-03');
    expect(RangeSet.parse('1-10').split(3).map(String)).toEqual(['1-4', '5-7', '8-10']);
    expect(RangeSet.parse('1-2').split(5).map(String)).toEqual(['1', '2']);
  });

  it('cuts contiguous runs per padding class', () => {
    expect([...RangeSet.parse('8-12,09-10').contiguous()].map(String)).toEqual(['8-9', '09-12']);
    expect([...RangeSet.parse('1-3,5,7-8').contiguous()].map(String)).toEqual(['1-3', '5', '7-8']);
    expect(() => [...RangeSet.parse('-3--1,5').contiguous()]).toThrow('Invalid range upper limit (0)');
  });

  it('expands a million elements from a handful of intervals', () => {
    const rs = RangeSet.parse('1-1000000');
    expect(rs.intervals()).toHaveLength(14);
    let n = 0;
    let last = '';
    rs.forEach((e) => {
      n++;
      last = e;
    });
    expect([n, last]).toEqual([1_000_000, '1000000']);
  });
});

import { describe, expect, it } from 'vitest';
import { parseAssignment, parseSoftwareRequirement, parseTagRequirement } from './requirement-spec.js';

describe('parseSoftwareRequirement', () => {
  it.each([
    ['blender', { software: 'blender' }],
    ['blender>=3.0', { software: 'blender', min_version: '3.0' }],
    ['blender <= 3.6', { software: 'blender', max_version: '3.6' }],
    ['blender>=3.0,<=3.6', { software: 'blender', min_version: '3.0', max_version: '3.6' }],
    ['blender=3.4', { software: 'blender', min_version: '3.4', max_version: '3.4' }],
    ['Maya 2024==2024.1', { software: 'Maya 2024', min_version: '2024.1', max_version: '2024.1' }],
  ])('%s', (text, expected) => {
    expect(parseSoftwareRequirement(text)).toEqual(expected);
  });

  it.each([
    ['', /no software named/],
    ['>=3', /no software named/],
    ['blender>', /">" is not a bound/],
    ['blender>=', /is not a bound/],
    ['blender>=3,>=4', /given twice/],
    ['blender=3,<=4', /given twice/],
    ['blender>=3<=4', /is not a bound/],
  ])('rejects %j', (text, message) => {
    expect(() => parseSoftwareRequirement(text)).toThrow(message);
  });
});

describe('parseTagRequirement', () => {
  it('reads negation', () => {
    expect(parseTagRequirement('gpu')).toEqual({ tag: 'gpu', negate: false });
    expect(parseTagRequirement('!workstation')).toEqual({ tag: 'workstation', negate: true });
    expect(() => parseTagRequirement('!')).toThrow(/no tag named/);
  });
});

describe('parseAssignment', () => {
  it('splits at the first =', () => {
    expect(parseAssignment('PATH=/a=b', '--env')).toEqual(['PATH', '/a=b']);
    expect(parseAssignment('EMPTY=', '--env')).toEqual(['EMPTY', '']);
    expect(() => parseAssignment('=x', '--env')).toThrow(/expected NAME=VALUE/);
    expect(() => parseAssignment('novalue', '--env')).toThrow(/--env novalue/);
  });
});

import { expect, test } from 'vitest';
import { expandvars, PathMapper } from './path-mapping.js';

const maps = [
  { id: 1, path_linux: '/mnt/projects', path_windows: 'P:\\', path_osx: '/Volumes/projects', tag: null },
  { id: 2, path_linux: '/mnt/fast/projects', path_windows: 'P:\\', path_osx: '/Volumes/fast', tag: 'ssd' },
  { id: 3, path_linux: '/mnt/projects/film', path_windows: 'F:\\film', path_osx: '/Volumes/film', tag: null },
];

test('any OS form maps to the Linux form; a tagged map wins; longer prefixes first', () => {
  const m = new PathMapper(maps, 'linux');
  expect(m.map('P:\\shots\\a.blend')).toBe('/mnt/fast/projects/shots/a.blend');
  expect(m.map('p:/shots/a.blend')).toBe('/mnt/fast/projects/shots/a.blend');
  expect(m.map('/Volumes/projects/x.exr')).toBe('/mnt/projects/x.exr');
  expect(m.map('F:\\film\\sc1')).toBe('/mnt/projects/film/sc1');
  expect(m.map('/Volumes/projectsX/y')).toBe('/Volumes/projectsX/y');
  expect(m.map('/tmp/other')).toBe('/tmp/other');
});

test('to Windows, separators turn around', () => {
  const m = new PathMapper([maps[0]!], 'windows');
  expect(m.map('/mnt/projects/shots/a.blend')).toBe('P:\\shots\\a.blend');
});

test('expandvars is a safe substitution', () => {
  const env = { HOME: '/home/r', SHOT: 'sh010' };
  expect(expandvars('~/x/$SHOT/${SHOT}_$UNKNOWN', env)).toBe('/home/r/x/sh010/sh010_$UNKNOWN');
});

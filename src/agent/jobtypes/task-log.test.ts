import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { csvField, TaskLog, taskLogFilename } from './task-log.js';

const dir = () => mkdtempSync(join(tmpdir(), 'drover-tasklog-'));

test('rows follow the seed format with Excel quoting and per-file line numbers', () => {
  const log = new TaskLog(join(dir(), 'a.csv'), () => Date.UTC(2026, 0, 2, 3, 4, 5, 6));
  log.write(0, 123, 'hello, "world"');
  log.write(1, 123, 'plain');
  log.write('internal', null, 'agent note');
  log.close();
  expect(readFileSync(log.path, 'utf8')).toBe(
    '2026-01-02T03:04:05.006Z,123,0,1,"hello, ""world"""\r\n' +
      '2026-01-02T03:04:05.006Z,123,1,2,plain\r\n' +
      '2026-01-02T03:04:05.006Z,None,internal,3,agent note\r\n',
  );
  expect(log.identifier).toBe('a.csv');
});

test('a follower gets the file size at subscription and every later row exactly once', () => {
  const log = new TaskLog(join(dir(), 'b.csv'));
  log.write(0, 1, 'first');
  const seen: string[] = [];
  let ended = false;
  const { size } = log.subscribe({ data: (c) => seen.push(c), end: () => (ended = true) });
  expect(size).toBe(readFileSync(log.path).length);
  log.write(0, 1, 'second');
  log.flush();
  log.write(0, 1, 'third');
  log.close();
  expect(seen.join('')).toMatch(/,2,second\r\n.*,3,third\r\n$/s);
  expect(readFileSync(log.path, 'utf8').slice(size)).toBe(seen.join(''));
  expect(ended).toBe(true);
});

test('csv quoting', () => {
  expect(csvField('a')).toBe('a');
  expect(csvField('a\rb')).toBe('"a\rb"');
});

test('file names from the template', () => {
  const time = new Date(Date.UTC(2026, 10, 22, 6, 7, 8));
  const name = taskLogFilename('$YEAR-$MONTH-$DAY_$HOUR-$MINUTE-$SECOND_$JOB_$PROCESS.csv', {
    time,
    job: 42,
    process: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
  });
  expect(name).toBe('2026-11-22_06-07-08_42_3fa85f6457174562b3fc2c963f66afa6.csv');
  expect(taskLogFilename('${HOST}-$JOB.csv', { time, job: 1, process: 'x' }, { HOST: 'n1' })).toBe(
    'n1-1.csv',
  );
});

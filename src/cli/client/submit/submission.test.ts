import { describe, expect, it } from 'vitest';
import { buildSubmission, parseDataAssignment, taskCountOf } from './submission.js';

describe('buildSubmission', () => {
  it('turns flags into one body with every field named as the API names it', () => {
    const [body, ...rest] = buildSubmission({
      flags: {
        title: 'shot 10',
        jobtype: 'Blender',
        jobtypeVersion: 2,
        frames: '1-100x5',
        batch: 4,
        priority: 10,
        weight: 20,
        queue: 'studio/lighting',
        tag: ['sh010', 'final'],
        requireTag: ['gpu', '!workstation'],
        software: ['blender>=3.4'],
        data: ['file=/shots/sh010.blend', 'samples:=16', 'x=a=b'],
        env: ['OCIO=/etc/ocio.cfg'],
        notify: ['alice'],
        requeue: -1,
        cpus: 0,
        ram: -1,
        minAgents: 1,
        maxAgents: 8,
        notes: 'n',
        hidden: true,
        paused: true,
        user: 'bob',
      },
      dataJson: { samples: 1, keep: true },
      parentIds: [3, 4],
    });
    expect(rest).toEqual([]);
    expect(body).toEqual({
      title: 'shot 10',
      jobtype: 'Blender',
      jobtype_version: 2,
      start: 1,
      end: 96,
      by: 5,
      batch: 4,
      priority: 10,
      weight: 20,
      jobqueue: 'studio/lighting',
      tags: ['sh010', 'final'],
      tag_requirements: [
        { tag: 'gpu', negate: false },
        { tag: 'workstation', negate: true },
      ],
      software_requirements: [{ software: 'blender', min_version: '3.4' }],
      data: { file: '/shots/sh010.blend', samples: 16, keep: true, x: 'a=b' },
      environ: { OCIO: '/etc/ocio.cfg' },
      notified_users: [{ username: 'alice' }],
      requeue: -1,
      cpus: 0,
      ram: -1,
      minimum_agents: 1,
      maximum_agents: 8,
      notes: 'n',
      hidden: true,
      state: 'paused',
      user: 'bob',
      parents: [{ id: 3 }, { id: 4 }],
    });
    expect(taskCountOf(body!)).toBe(20);
  });

  it('makes one job per frame range, titled by its range', () => {
    const bodies = buildSubmission({ flags: { title: 'T', jobtype: 'Command', frames: '1,5,10-20' } });
    expect(bodies.map((b) => [b.title, b.start, b.end, b.by])).toEqual([
      ['T [1-5x4]', 1, 5, 4],
      ['T [10-20]', 10, 20, 1],
    ]);
    expect(bodies.map(taskCountOf)).toEqual([2, 11]);
  });

  it('takes a job file as the base; flags win, data merges, frames may be given as a string', () => {
    const [body] = buildSubmission({
      file: {
        title: 'from file',
        jobtype: 'FFmpeg',
        frames: '1-3',
        priority: 1,
        data: { a: 1, b: 2 },
        environ: { A: '1' },
      },
      flags: { priority: 5, data: ['b=x'], env: ['B=2'] },
    });
    expect(body).toEqual({
      title: 'from file',
      jobtype: 'FFmpeg',
      start: 1,
      end: 3,
      by: 1,
      priority: 5,
      data: { a: 1, b: 'x' },
      environ: { A: '1', B: '2' },
    });
    const [pyfarm] = buildSubmission({ file: { title: 't', jobtype: 'j', start: 2, end: 4 }, flags: {} });
    expect(pyfarm).toEqual({ title: 't', jobtype: 'j', start: 2, end: 4 });
  });

  it('names what is missing or malformed', () => {
    expect(() => buildSubmission({ flags: { jobtype: 'j' } })).toThrow(/needs a title: --title/);
    expect(() => buildSubmission({ flags: { title: 't' } })).toThrow(/needs a job type: --jobtype/);
    expect(() => buildSubmission({ flags: { title: 't', jobtype: 'j', frames: '5-1' } })).toThrow(
      /ends before it starts/,
    );
    expect(() => buildSubmission({ file: { title: 't', jobtype: 'j', frames: [1] }, flags: {} })).toThrow(
      /frames in the job file must be a string/,
    );
    expect(() => buildSubmission({ flags: { title: 't', jobtype: 'j', env: ['NOEQUALS'] } })).toThrow(
      /--env NOEQUALS: expected NAME=VALUE/,
    );
  });
});

describe('parseDataAssignment', () => {
  it('reads strings and JSON values', () => {
    expect(parseDataAssignment('file=/a b.blend')).toEqual(['file', '/a b.blend']);
    expect(parseDataAssignment('n:=3')).toEqual(['n', 3]);
    expect(parseDataAssignment('o:={"a":[1]}')).toEqual(['o', { a: [1] }]);
    expect(parseDataAssignment('url=http://x:1/?a=b')).toEqual(['url', 'http://x:1/?a=b']);
    expect(() => parseDataAssignment('n:=nope')).toThrow(/--data n:=nope: the value after := is not JSON/);
    expect(() => parseDataAssignment('novalue')).toThrow(/--data novalue: expected NAME=VALUE/);
  });
});

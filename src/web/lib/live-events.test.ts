import { afterEach, describe, expect, it, vi } from 'vitest';
import { rootsFor, Throttle } from './live-events';

afterEach(() => vi.useRealTimers());

describe('rootsFor', () => {
  it('refreshes what shows the changed thing', () => {
    expect(rootsFor({ type: 'task.changed', job_id: 1, task_id: 2, agent_id: null })).toEqual([
      'jobs',
      'tasks',
      'agents',
    ]);
    expect(rootsFor({ type: 'agent.deleted', agent_id: 'a' })).toEqual(['agents']);
    expect(rootsFor({ type: 'queue.changed', queue_id: 3 })).toEqual(['queues']);
    expect(rootsFor({ type: 'resync' })).toEqual(['*']);
  });
});

describe('Throttle', () => {
  it('fires at once, then at most once per interval per root, always with a trailing call', () => {
    vi.useFakeTimers();
    let now = 0;
    const calls: [string, number][] = [];
    const throttle = new Throttle(
      (root) => calls.push([root, now]),
      1000,
      () => now,
    );
    throttle.hit('jobs');
    throttle.hit('agents');
    expect(calls).toEqual([
      ['jobs', 0],
      ['agents', 0],
    ]);
    now = 100;
    for (let i = 0; i < 50; i++) throttle.hit('jobs');
    expect(calls).toHaveLength(2);
    now = 1000;
    vi.advanceTimersByTime(900);
    expect(calls).toEqual([
      ['jobs', 0],
      ['agents', 0],
      ['jobs', 1000],
    ]);
    now = 5000;
    throttle.hit('jobs');
    expect(calls.at(-1)).toEqual(['jobs', 5000]);
    throttle.stop();
  });
});

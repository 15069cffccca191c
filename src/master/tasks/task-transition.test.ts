import { describe, expect, it } from 'vitest';
import { WorkState } from '../../core/enums.js';
import type { Task } from '../../db/tasks/task.repository.js';
import { planTaskTransition, type TaskJobFacts } from './task-transition.js';

const { RUNNING, DONE, FAILED, PAUSED } = WorkState.values;
const NOW = 1_000_000;
const AGENT = '0b7e6b36-6b1f-4c44-9a57-2d6a2f6f1f3a';

function task(fields: Partial<Task> = {}): Task {
  return {
    id: 1,
    state: null,
    priority: 0,
    timeSubmitted: 0,
    timeStarted: null,
    timeFinished: null,
    agentId: AGENT,
    jobId: 1,
    hidden: false,
    attempts: 1,
    failures: 0,
    frame: 1,
    tile: null,
    lastError: null,
    sentToAgent: true,
    sentOn: null,
    progress: 0,
    ...fields,
  };
}
const job = (requeue = 3, noAutomaticStartTime = false): TaskJobFacts => ({ requeue, noAutomaticStartTime });

describe('planTaskTransition', () => {
  it('starts a task: start time set, finish time cleared, a "started" event', () => {
    const t = planTaskTransition(task({ timeFinished: 5 }), job(), { state: RUNNING }, NOW);
    expect(t.patch).toMatchObject({ state: RUNNING, timeStarted: NOW, timeFinished: null });
    expect(t.events).toEqual(['started']);
    expect(t.stateChanged).toBe(true);
  });

  it('leaves the start time alone when resuming from PAUSED or when the job type sets it', () => {
    expect(
      planTaskTransition(task({ state: PAUSED, timeStarted: 7 }), job(), { state: RUNNING }, NOW).patch
        .timeStarted,
    ).toBeUndefined();
    expect(
      planTaskTransition(task(), job(3, true), { state: RUNNING }, NOW).patch.timeStarted,
    ).toBeUndefined();
  });

  it('finishes a task: progress 1, last_error cleared, finish time, agent success', () => {
    const t = planTaskTransition(
      task({ state: RUNNING, lastError: 'old', progress: 0.4 }),
      job(),
      { state: DONE },
      NOW,
    );
    expect(t.patch).toMatchObject({ state: DONE, progress: 1, lastError: null, timeFinished: NOW });
    expect(t.succeededOnAgent).toBe(AGENT);
    expect(t.events).toEqual(['done']);
  });

  it('requeues a failure within the budget, blacklisting the agent', () => {
    const t = planTaskTransition(
      task({ state: RUNNING, failures: 2 }),
      job(3),
      { state: FAILED, lastError: 'boom' },
      NOW,
    );
    expect(t.patch).toMatchObject({ failures: 3, state: null, agentId: null, lastError: 'boom' });
    expect(t.failedOnAgent).toBe(AGENT);
    expect(t.requeued).toBe(true);
    expect(t.events).toEqual(['failed']);
  });

  it('makes the failure after the last retry final (requeue 3 → the 4th failure)', () => {
    const t = planTaskTransition(task({ state: RUNNING, failures: 3 }), job(3), { state: FAILED }, NOW);
    expect(t.patch).toMatchObject({ failures: 4, state: FAILED, timeFinished: NOW });
    expect(t.patch.agentId).toBeUndefined();
    expect(t.requeued).toBe(false);
  });

  it('never retries with requeue 0 and always retries with requeue -1', () => {
    expect(planTaskTransition(task({ state: RUNNING }), job(0), { state: FAILED }, NOW).requeued).toBe(false);
    expect(
      planTaskTransition(task({ state: RUNNING, failures: 500 }), job(-1), { state: FAILED }, NOW).requeued,
    ).toBe(true);
  });

  it('ignores a repeated DONE report (no second success for the agent, no event)', () => {
    const t = planTaskTransition(
      task({ state: DONE, progress: 1, timeFinished: 9 }),
      job(),
      { state: DONE },
      NOW,
    );
    expect(t.succeededOnAgent).toBeNull();
    expect(t.stateChanged).toBe(false);
    expect(t.events).toEqual([]);
  });

  it('ignores a repeated FAILED report (no second failure, no second blacklist)', () => {
    const t = planTaskTransition(
      task({ state: FAILED, failures: 4, timeFinished: 9 }),
      job(3),
      { state: FAILED },
      NOW,
    );
    expect(t.patch.failures).toBeUndefined();
    expect(t.failedOnAgent).toBeNull();
    expect(t.stateChanged).toBe(false);
    expect(t.events).toEqual([]);
  });

  it('counts an attempt when the task moves to another agent, not when it stays', () => {
    expect(planTaskTransition(task({ agentId: null }), job(), { agentId: AGENT }, NOW).patch.attempts).toBe(
      2,
    );
    expect(planTaskTransition(task(), job(), { agentId: AGENT }, NOW).patch.attempts).toBeUndefined();
    expect(planTaskTransition(task(), job(), { agentId: null }, NOW).patch.attempts).toBeUndefined();
  });

  it('records a hand-back to the queue as a restart', () => {
    const t = planTaskTransition(task({ state: RUNNING }), job(), { state: null, agentId: null }, NOW);
    expect(t.patch).toMatchObject({ state: null, agentId: null });
    expect(t.events).toEqual(['restarted']);
  });

  it('applies an explicit start time like PyFarm', () => {
    expect(planTaskTransition(task({ state: RUNNING }), job(), { timeStarted: 'now' }, NOW).patch).toEqual({
      timeStarted: NOW,
      timeFinished: null,
    });
    const finished = planTaskTransition(
      task({ state: DONE, timeFinished: 50 }),
      job(),
      { timeStarted: 80 },
      NOW,
    );
    expect(finished.patch).toEqual({ timeStarted: 80, timeFinished: 80 });
  });
});

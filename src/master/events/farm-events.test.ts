import { describe, expect, it } from 'vitest';
import { LocalFarmEvents, type FarmEvent } from './farm-events.js';

describe('LocalFarmEvents', () => {
  it('delivers after the emitting call returns, and isolates failing listeners', async () => {
    const errors: unknown[] = [];
    const events = new LocalFarmEvents((err) => errors.push(err));
    const seen: FarmEvent[] = [];
    events.on(() => {
      throw new Error('bad listener');
    });
    const off = events.on((e) => seen.push(e));
    events.emit({ type: 'job.changed', jobId: 1 });
    expect(seen).toEqual([]);
    await Promise.resolve();
    expect(seen).toEqual([{ type: 'job.changed', jobId: 1 }]);
    expect(errors).toHaveLength(1);
    off();
    events.emit({ type: 'job.changed', jobId: 2 });
    await Promise.resolve();
    expect(seen).toHaveLength(1);
  });
});

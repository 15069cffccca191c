import { expect, test } from 'vitest';
import { RamMonitor } from './ram-monitor.js';

test('reports a change beyond the delta, at most once per window, and the last value wins', async () => {
  let free = 1000;
  let clock = 0;
  const sent: number[] = [];
  const m = new RamMonitor({
    checkIntervalMs: 0,
    maxReportFrequencyMs: 50,
    reportDeltaMb: 100,
    readFreeRamMb: async () => free,
    report: async (v) => (sent.push(v), true),
    now: () => clock,
  });
  m.reported(1000);
  free = 1050;
  await m.check();
  expect(sent).toEqual([]); // below the delta
  clock = 10;
  free = 800;
  await m.check(); // within 50 ms of the last report: deferred
  free = 700;
  await m.check();
  expect(sent).toEqual([]);
  clock = 60;
  await new Promise((r) => setTimeout(r, 80));
  expect(sent).toEqual([700]);
  m.stop();
});

import { expect, test } from 'vitest';
import type { AgentAnnounce } from '../../api/agent-protocol/index.js';
import { silentLogger } from '../../core/logging.js';
import type { MasterClient } from '../master-client/master-client.js';
import type { Outbox } from '../master-client/outbox.js';
import type { AgentSettings } from '../settings/agent-settings.js';
import { Announcer } from './announcer.js';
import type { AssignmentRegistry } from './assignments.js';

/**
 * An announcer over a journal whose drains the test answers one by one, and a registry the test fills:
 * what was announced, and when, relative to the drains.
 */
function rig() {
  const events: string[] = [];
  const drains: ((delivered: boolean) => void)[] = [];
  let held: Record<string, unknown> = {};
  const announced: AgentAnnounce[] = [];
  const announcer = new Announcer({
    settings: { state: 'online', cpus: 4, ram: 8192, reannounceIntervalMs: 0 } as unknown as AgentSettings,
    client: {
      announce: async (_id: string, payload: AgentAnnounce) => {
        events.push('announce');
        announced.push(payload);
        return {};
      },
    } as unknown as MasterClient,
    outbox: {
      drain: () => {
        events.push(`drain ${drains.length + 1}`);
        return new Promise<boolean>((resolve) => drains.push(resolve));
      },
    } as unknown as Outbox,
    registry: {
      get size() {
        return Object.keys(held).length;
      },
      snapshot: () => held,
    } as unknown as AssignmentRegistry,
    logger: silentLogger(),
    identity: { agentId: 'a', hostname: 'h', systemid: undefined, version: '1', port: 1, timeOffset: 0 },
    hardware: {
      cpus: 4,
      ramMb: 8192,
      freeRamMb: 4096,
      osClass: 'linux',
      osFullname: 'Linux',
      cpuName: 'cpu',
      macAddresses: [],
      disks: [],
      gpus: [],
    },
    shuttingDown: () => false,
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  return {
    announcer,
    events,
    announced,
    setHeld: (value: Record<string, unknown>) => (held = value),
    async answerDrain(n: number, delivered: boolean) {
      while (drains.length < n) await settle();
      drains[n - 1]!(delivered);
      await settle();
    },
  };
}

test('current_assignments go out only after the reports older than them are delivered', async () => {
  const r = rig();
  const done = r.announcer.announce();
  // During the first drain a task is admitted, runs and ends: its reports are journaled after that
  // drain's target, and it is not in the snapshot.
  await r.answerDrain(1, true);
  expect(r.announcer.announcing).toBe(true);
  expect(r.events).toEqual(['drain 1', 'drain 2']);
  await r.answerDrain(2, true);
  expect(await done).toBe(true);
  expect(r.events).toEqual(['drain 1', 'drain 2', 'announce']);
  expect(r.announced[0]).toMatchObject({ state: 'online', current_assignments: {} });
});

test('without them delivered, the announce says state and free RAM but no current_assignments', async () => {
  const r = rig();
  r.setHeld({ 'jt-1': { tasks: [{ id: 7 }] } });
  const done = r.announcer.announce();
  await r.answerDrain(1, false);
  await r.answerDrain(2, false);
  expect(await done).toBe(true);
  expect(r.announced[0]).toMatchObject({ state: 'running', free_ram: expect.any(Number) });
  expect(r.announced[0]).not.toHaveProperty('current_assignments');
});

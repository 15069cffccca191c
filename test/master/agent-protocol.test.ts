/**
 * The Drover agent's own payloads (typed by its protocol schemas in src/api/agent-protocol) are what the
 * master's agents API accepts: registration, re-announce with current assignments, the RAM report and the
 * shutdown notice.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import {
  AgentAnnounceSchema,
  AgentRecordSchema,
  AgentRegistrationSchema,
  type AgentAnnounce,
  type AgentRegistration,
} from '../../src/api/agent-protocol/agent-registration.js';
import { unique } from '../support/fixtures.js';
import { forEachDialectMaster } from '../support/master.js';

forEachDialectMaster((_dialect, farm) => {
  describe('the Drover agent’s protocol', () => {
    it('registers, re-announces, reports RAM and goes offline', async () => {
      const f = farm();
      const registration: AgentRegistration = {
        id: randomUUID(),
        hostname: unique('agent'),
        version: '0.1.0',
        os_class: 'linux',
        os_fullname: 'Debian GNU/Linux 12',
        cpu_name: 'AMD EPYC',
        ram: 65536,
        free_ram: 60000,
        cpus: 32,
        port: 50000,
        time_offset: 0,
        state: 'online',
        mac_addresses: ['02:00:00:00:00:01'],
        current_assignments: {},
        disks: [{ mountpoint: '/', size: 1000, free: 500 }],
        gpus: ['NVIDIA RTX A5000'],
        farm_name: null,
        projects: ['lighthouse'],
        systemid: 123456,
        api_secret: randomBytes(32).toString('base64url'),
      };
      expect(Value.Check(AgentRegistrationSchema, registration)).toBe(true);
      const post = (url: string, payload: object) =>
        f.inject({
          method: 'POST',
          url,
          as: 'agent',
          payload,
          headers: { 'user-agent': 'Drover/0.1 (agent)' },
        });

      const registered = await post('/api/v1/agents/', registration);
      expect(registered.statusCode, registered.body).toBe(201);
      expect(Value.Check(AgentRecordSchema, registered.json())).toBe(true);
      expect(registered.json()).toMatchObject({
        id: registration.id,
        projects: ['lighthouse'],
        state: 'online',
      });

      const assignment = randomUUID();
      const announces: AgentAnnounce[] = [
        {
          state: 'running',
          free_ram: 40000,
          disks: [{ mountpoint: '/', size: 1000, free: 400 }],
          current_assignments: {
            [assignment]: {
              id: assignment,
              job: { id: 1, by: 1 },
              jobtype: { name: 'Command', version: 1 },
              tasks: [{ id: 1, frame: 1, attempt: 1, local_state: 'running' }],
            },
          },
        },
        { free_ram: 39000 },
        { ram: 65536, cpus: 32, time_offset: 1 },
        { state: 'offline', free_ram: 60000, current_assignments: {} },
      ];
      for (const announce of announces) {
        expect(Value.Check(AgentAnnounceSchema, announce)).toBe(true);
        const res = await post(`/api/v1/agents/${registration.id}`, announce);
        expect(res.statusCode, JSON.stringify(announce)).toBe(200);
        expect(Value.Check(AgentRecordSchema, res.json())).toBe(true);
      }
      const after = (await f.inject({ url: `/api/v1/agents/${registration.id}` })).json();
      expect(after).toMatchObject({ state: 'offline', free_ram: 60000, time_offset: 1 });

      // A restarted agent registers again with a new secret: 200, same record.
      const again = await post('/api/v1/agents/', {
        ...registration,
        api_secret: randomBytes(32).toString('base64url'),
      });
      expect(again.statusCode).toBe(200);
    });
  });
});

/** Registration bodies and helpers for the agents API tests. */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { FarmEvent } from '../../src/master/events/farm-events.js';
import type { Role } from '../../src/master/http/access.js';
import { unique } from './fixtures.js';
import type { TestMaster } from './master.js';

export function registrationBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: randomUUID(),
    hostname: unique('node'),
    port: 50000,
    ram: 16384,
    free_ram: 12000,
    cpus: 8,
    version: '1.0.0',
    os_class: 'linux',
    os_fullname: 'Debian 12',
    cpu_name: 'Xeon',
    time_offset: 0,
    state: 'online',
    mac_addresses: ['AA:BB:CC:DD:EE:01'],
    gpus: ['Quadro RTX 4000'],
    disks: [{ mountpoint: '/', size: 1_000_000, free: 500_000 }],
    current_assignments: {},
    api_secret: 'a-secret-of-at-least-sixteen-chars-0123456789',
    ...overrides,
  };
}

/** Registers an agent (as the agent token unless told otherwise) and returns its id. */
export async function registerAgent(
  farm: TestMaster,
  overrides: Record<string, unknown> = {},
  as: Role = 'agent',
): Promise<{ id: string; body: Record<string, unknown>; res: LightMyRequestResponse }> {
  const body = registrationBody(overrides);
  const res = await farm.inject({ method: 'POST', url: '/api/v1/agents/', payload: body, as });
  expect(res.statusCode, res.body).toBe(201);
  return { id: String(body.id), body, res };
}

/** Collects the farm events emitted while `fn` runs (delivery is asynchronous: awaits one tick). */
export async function eventsDuring(farm: TestMaster, fn: () => Promise<unknown>): Promise<FarmEvent[]> {
  const seen: FarmEvent[] = [];
  const off = farm.master.context.events.on((event) => seen.push(event));
  try {
    await fn();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    off();
  }
  return seen;
}

/** Sends a request with a bearer token that is not one of the farm's role tokens. */
export function injectWithToken(
  farm: TestMaster,
  token: string,
  request: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; payload?: unknown },
): Promise<LightMyRequestResponse> {
  return farm.master.app.inject({
    method: request.method ?? 'GET',
    url: request.url,
    ...(request.payload !== undefined ? { payload: request.payload as object } : {}),
    headers: { authorization: `Bearer ${token}` },
  });
}

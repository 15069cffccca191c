import { describe, expect, it } from 'vitest';
import { findAgent } from '../../src/db/agents/agent.repository.js';
import { createSoftware } from '../../src/db/software/software.repository.js';
import { createApiToken } from '../../src/master/auth/auth.service.js';
import { createTestDatabase } from '../support/databases.js';
import { unique } from '../support/fixtures.js';
import { createTestMaster, forEachDialectMaster } from '../support/master.js';
import {
  eventsDuring,
  injectWithToken,
  registerAgent,
  registrationBody,
} from '../support/agent-registration.js';

const AGENT_KEYS = [
  'cpu_allocation',
  'cpu_name',
  'cpus',
  'free_ram',
  'hostname',
  'id',
  'last_heard_from',
  'last_polled',
  'last_success_on',
  'notes',
  'os_class',
  'os_fullname',
  'port',
  'projects',
  'ram',
  'ram_allocation',
  'remote_ip',
  'restart_requested',
  'state',
  'tags',
  'time_offset',
  'upgrade_to',
  'use_address',
  'version',
];

forEachDialectMaster((_dialect, farm) => {
  describe('registration', () => {
    it('creates an agent (201) with the full record, and updates it on the next registration (200)', async () => {
      const f = farm();
      const { id, body, res } = await registerAgent(f, {
        mac_addresses: ['AA:BB:CC:DD:EE:0F', 'not-a-mac', 'aa:bb:cc:dd:ee:0f'],
      });
      const created = res.json();
      expect(Object.keys(created).sort()).toEqual(AGENT_KEYS);
      expect(created).toMatchObject({
        id,
        hostname: body.hostname,
        port: 50000,
        ram: 16384,
        free_ram: 12000,
        cpus: 8,
        cpu_name: 'Xeon',
        os_class: 'linux',
        os_fullname: 'Debian 12',
        version: '1.0.0',
        upgrade_to: null,
        use_address: 'remote',
        time_offset: 0,
        state: 'online',
        remote_ip: '127.0.0.1',
        ram_allocation: 0.8,
        cpu_allocation: 1,
        last_polled: null,
        last_success_on: null,
        restart_requested: false,
        notes: '',
        tags: [],
        projects: null,
      });
      expect(created.last_heard_from).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

      const detail = (await f.inject({ url: `/api/v1/agents/${id}` })).json();
      expect(detail.mac_addresses).toEqual(['aa:bb:cc:dd:ee:0f']);
      expect(detail.gpus).toEqual([{ fullname: 'Quadro RTX 4000' }]);
      expect(detail.disks).toEqual([{ mountpoint: '/', size: 1_000_000, free: 500_000 }]);
      expect(JSON.stringify(detail)).not.toContain(String(body.api_secret));
      expect(detail).not.toHaveProperty('api_secret');
      const row = await findAgent(f.master.context.db, id);
      expect(row?.apiSecret).toBe(body.api_secret);
      expect(row?.tokenId).not.toBeNull();

      const again = await f.inject({
        method: 'POST',
        url: '/api/v1/agents/',
        as: 'agent',
        payload: { ...body, free_ram: 1000, gpus: [], disks: [{ mountpoint: '/data', size: 10, free: 5 }] },
      });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ id, free_ram: 1000 });
      const after = (await f.inject({ url: `/api/v1/agents/${id}` })).json();
      expect(after.gpus).toEqual([]);
      expect(after.disks).toEqual([{ mountpoint: '/data', size: 10, free: 5 }]);
      expect(after.mac_addresses).toEqual(['aa:bb:cc:dd:ee:0f']);
    });

    it('answers 200 with the agent when a registration changes nothing (PyFarm: 500)', async () => {
      const f = farm();
      const { body } = await registerAgent(f);
      const same = await f.inject({ method: 'POST', url: '/api/v1/agents/', as: 'agent', payload: body });
      expect(same.statusCode).toBe(200);
      expect(same.json().hostname).toBe(body.hostname);
    });

    it('updates the port of a known id instead of failing (PyFarm looked up id and port)', async () => {
      const f = farm();
      const { id, body } = await registerAgent(f);
      const moved = await f.inject({
        method: 'POST',
        url: '/api/v1/agents/',
        as: 'agent',
        payload: { ...body, port: 50001 },
      });
      expect(moved.statusCode).toBe(200);
      expect(moved.json()).toMatchObject({ id, port: 50001 });
    });

    it('allows the same host name on different ports', async () => {
      const f = farm();
      const hostname = unique('twin');
      await registerAgent(f, { hostname, port: 50000 });
      await registerAgent(f, { hostname, port: 50001 });
      const list = (await f.inject({ url: `/api/v1/agents/?hostname=${hostname}` })).json();
      expect(list.map((a: { port: number }) => a.port)).toEqual([50000, 50001]);
    });

    it('attaches the default software versions to a new agent', async () => {
      const f = farm();
      const name = unique('blender');
      await createSoftware(f.master.context.db, {
        software: name,
        versions: [{ version: '4.1', default: true }, { version: '4.2' }],
      });
      const { id } = await registerAgent(f);
      const software = (await f.inject({ url: `/api/v1/agents/${id}/software/` })).json();
      expect(software).toContainEqual({ software: name, version: '4.1' });
      expect(software).not.toContainEqual({ software: name, version: '4.2' });
    });

    it('takes remote_ip from the body when given, and a state other than online', async () => {
      const f = farm();
      const { res } = await registerAgent(f, { remote_ip: '10.1.2.3', state: 'running', use_address: 311 });
      expect(res.json()).toMatchObject({ remote_ip: '10.1.2.3', state: 'running', use_address: 'remote' });
    });

    it('refuses bad registrations with 400 naming the field, leaving nothing behind', async () => {
      const f = farm();
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ id: undefined }, /missing required key "id"/],
        [{ id: 'not-a-uuid' }, /^id: /],
        [{ hostname: undefined }, /missing required key "hostname"/],
        [{ hostname: 'bad_host!' }, /hostname: is not a valid host name/],
        [{ port: 80 }, /port: must be between 1024 and 65535/],
        [{ port: '50000' }, /port: must be integer/],
        [{ ram: 8 }, /ram: must be between 16 and 262144/],
        [{ cpus: 0 }, /cpus: must be between 1 and 256/],
        [{ free_ram: -1 }, /free_ram: must be/],
        [{ state: 'sleeping' }, /state/],
        [{ state: 999 }, /state: 999 is not a valid AgentState/],
        [{ os_class: 'amiga' }, /os_class/],
        [{ remote_ip: '224.0.0.1' }, /remote_ip: must not be a multicast address/],
        [{ remote_ip: 'localhost' }, /remote_ip: must be an IPv4 address/],
        [{ colour: 'red' }, /unknown key "colour"/],
        [{ mac_addresses: 'aa:bb:cc:dd:ee:ff' }, /mac_addresses: must be array/],
        [{ disks: [{ mountpoint: '/', size: 1 }] }, /missing required key "disks.0.free"|disks/],
        [{ current_assignments: { a: { tasks: [{ id: 'x' }] } } }, /current_assignments/],
        [{ current_assignments: { a: {} } }, /tasks/],
        [{ farm_name: 'elsewhere' }, /^Wrong farm name/],
        [{ version: 'x'.repeat(17) }, /version: must be at most 16 characters/],
        [{ api_secret: 'short' }, /api_secret/],
        [{ gpus: ['g'.repeat(200)] }, /gpus\[0\]: must be at most 128 characters/],
      ];
      for (const [overrides, message] of cases) {
        const body = registrationBody(overrides);
        const res = await f.inject({ method: 'POST', url: '/api/v1/agents/', as: 'agent', payload: body });
        expect(res.statusCode, JSON.stringify(overrides)).toBe(400);
        expect(res.json().error, JSON.stringify(overrides)).toMatch(message);
        if (typeof body.id === 'string' && /^[0-9a-f-]{36}$/.test(body.id)) {
          expect(await findAgent(f.master.context.db, body.id), JSON.stringify(overrides)).toBeUndefined();
        }
      }
      const notJson = await f.inject({
        method: 'POST',
        url: '/api/v1/agents/',
        as: 'agent',
        headers: { 'content-type': 'text/csv' },
        payload: 'a,b',
      });
      expect(notJson.statusCode).toBe(415);
    });

    it('lets agents register, admins too, and nobody else', async () => {
      const f = farm();
      for (const [as, status] of [
        ['anonymous', 401],
        ['artist', 403],
        ['wrangler', 403],
      ] as const) {
        const res = await f.inject({
          method: 'POST',
          url: '/api/v1/agents/',
          as,
          payload: registrationBody(),
        });
        expect(res.statusCode, as).toBe(status);
      }
      const { id } = await registerAgent(f, {}, 'admin');
      expect((await findAgent(f.master.context.db, id))?.tokenId).toBeNull();
    });

    it('keeps an agent with the token that registered it; another agent token may take over only a dead one', async () => {
      const f = farm();
      const { id, body } = await registerAgent(f);
      const ctx = f.master.context;
      const other = await createApiToken(ctx, {
        username: 'agent-user',
        name: unique('node token'),
        kind: 'agent',
      });
      const hijack = await injectWithToken(f, other.token, {
        method: 'POST',
        url: '/api/v1/agents/',
        payload: body,
      });
      expect(hijack.statusCode).toBe(403);
      expect(hijack.json().error).toMatch(/another agent token/);
      const announce = await injectWithToken(f, other.token, {
        method: 'POST',
        url: `/api/v1/agents/${id}`,
        payload: { free_ram: 1 },
      });
      expect(announce.statusCode).toBe(403);
      // Admins may re-register any agent; the record keeps its token.
      const byAdmin = await f.inject({ method: 'POST', url: '/api/v1/agents/', payload: body });
      expect(byAdmin.statusCode).toBe(200);
      const firstToken = (await findAgent(ctx.db, id))!.tokenId!;

      // A node whose token was rotated: once the old token is revoked, the new one takes the record over.
      const rotated = await createApiToken(ctx, {
        username: 'agent-user',
        name: unique('rotated'),
        kind: 'agent',
      });
      const mine = await registerAgentWith(f, rotated.token);
      await ctx.db.updateTable('api_tokens').set({ revoked: true }).where('id', '=', mine.tokenId).execute();
      f.master.authenticator.forget();
      const third = await createApiToken(ctx, {
        username: 'agent-user',
        name: unique('third'),
        kind: 'agent',
      });
      const takeover = await injectWithToken(f, third.token, {
        method: 'POST',
        url: '/api/v1/agents/',
        payload: mine.body,
      });
      expect(takeover.statusCode).toBe(200);
      expect((await findAgent(ctx.db, mine.id))!.tokenId).toBe(third.record.id);
      expect((await findAgent(ctx.db, id))!.tokenId).toBe(firstToken);
    });

    it('emits agent.changed after a registration', async () => {
      const f = farm();
      const body = registrationBody();
      const events = await eventsDuring(f, () =>
        f.inject({ method: 'POST', url: '/api/v1/agents/', as: 'agent', payload: body }),
      );
      expect(events).toContainEqual({ type: 'agent.changed', agentId: body.id });
    });
  });

  describe('one agent', () => {
    it('reads an agent; unknown and malformed ids are 404', async () => {
      const f = farm();
      const { id } = await registerAgent(f);
      const res = await f.inject({ url: `/api/v1/agents/${id.toUpperCase()}`, as: 'artist' });
      expect(res.statusCode).toBe(200);
      expect(Object.keys(res.json()).sort()).toEqual(
        [...AGENT_KEYS, 'disks', 'gpus', 'mac_addresses', 'software'].sort(),
      );
      expect(
        (await f.inject({ url: '/api/v1/agents/4eefca76-1127-4c17-a3df-c1a7de685541' })).statusCode,
      ).toBe(404);
      const bad = await f.inject({ url: '/api/v1/agents/nope' });
      expect(bad.statusCode).toBe(404);
      expect(bad.json().error).toMatch(/agent "nope" not found/);
      expect((await f.inject({ url: `/api/v1/agents/${id}`, as: 'anonymous' })).statusCode).toBe(401);
    });

    it('updates part of an agent (the agent re-announcing) and stamps last_heard_from', async () => {
      const f = farm();
      const { id, res } = await registerAgent(f);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const update = await f.inject({
        method: 'POST',
        url: `/api/v1/agents/${id}/`,
        as: 'agent',
        payload: { ram: 1234, state: 'running', free_ram: 100, disks: [], current_assignments: {} },
      });
      expect(update.statusCode).toBe(200);
      const agent = update.json();
      expect(agent).toMatchObject({
        ram: 1234,
        state: 'running',
        free_ram: 100,
        hostname: res.json().hostname,
      });
      expect(Date.parse(agent.last_heard_from)).toBeGreaterThan(Date.parse(res.json().last_heard_from));
      expect(
        (await f.inject({ method: 'POST', url: `/api/v1/agents/${id}`, as: 'agent', payload: {} }))
          .statusCode,
      ).toBe(200);
    });

    it('lets an admin change every column and reads it back', async () => {
      const f = farm();
      const { id } = await registerAgent(f);
      const changes = {
        hostname: unique('renamed'),
        port: 51000,
        ram: 32768,
        free_ram: 30000,
        cpus: 32,
        remote_ip: '192.168.7.8',
        use_address: 'hostname',
        os_class: 'windows',
        os_fullname: 'Windows Server',
        cpu_name: 'EPYC',
        time_offset: -3,
        version: '2.0.0',
        upgrade_to: '2.1.0',
        state: 'disabled',
        notes: 'in the basement',
        restart_requested: true,
        ram_allocation: 0.5,
        cpu_allocation: 0.75,
        projects: ['lighthouse'],
        tags: ['gpu', 'fast'],
      };
      const res = await f.inject({ method: 'POST', url: `/api/v1/agents/${id}`, payload: changes });
      expect(res.statusCode, res.body).toBe(200);
      const read = (await f.inject({ url: `/api/v1/agents/${id}` })).json();
      expect(read).toMatchObject({ ...changes, tags: ['fast', 'gpu'] });
    });

    it('keeps management fields for wranglers and admins, and agents to their own report', async () => {
      const f = farm();
      const { id } = await registerAgent(f);
      const post = (as: 'agent' | 'wrangler' | 'artist', payload: object) =>
        f.inject({ method: 'POST', url: `/api/v1/agents/${id}`, as, payload });
      for (const payload of [
        { notes: 'x' },
        { tags: ['a'] },
        { restart_requested: true },
        { upgrade_to: '9' },
      ]) {
        const res = await post('agent', payload);
        expect(res.statusCode, JSON.stringify(payload)).toBe(403);
      }
      expect((await post('agent', { state: 'disabled' })).json().error).toMatch(/cannot disable themselves/);
      for (const payload of [
        { upgrade_to: '9' },
        { api_secret: 'x'.repeat(20) },
        { current_assignments: {} },
      ]) {
        expect((await post('wrangler', payload)).statusCode, JSON.stringify(payload)).toBe(403);
      }
      expect((await post('artist', { notes: 'x' })).statusCode).toBe(403);
      const managed = await post('wrangler', { notes: 'rack 4', tags: ['rack4'], state: 'disabled' });
      expect(managed.statusCode).toBe(200);
      expect(managed.json()).toMatchObject({ notes: 'rack 4', tags: ['rack4'], state: 'disabled' });
      // A disabled agent's own reports do not change its state.
      const report = await post('agent', { state: 'online', free_ram: 42 });
      expect(report.json()).toMatchObject({ state: 'disabled', free_ram: 42 });
      const reregistered = await f.inject({
        method: 'POST',
        url: '/api/v1/agents/',
        as: 'agent',
        payload: registrationBody({ id, state: 'online' }),
      });
      expect(reregistered.json().state).toBe('disabled');
    });

    it('refuses bad updates', async () => {
      const f = farm();
      const { id } = await registerAgent(f);
      const post = (payload: unknown, url = `/api/v1/agents/${id}`) =>
        f.inject({ method: 'POST', url, payload: payload as object });
      expect(
        (await post({ ram: 64 }, '/api/v1/agents/4eefca76-1127-4c17-a3df-c1a7de685541')).statusCode,
      ).toBe(404);
      expect((await post({ colour: 'red' })).json().error).toBe('unknown key "colour"');
      expect((await post({ ram: 'lots' })).statusCode).toBe(400);
      expect((await post({ ram: 1 })).json().error).toMatch(/^ram: must be between/);
      expect((await post({ id: '4eefca76-1127-4c17-a3df-c1a7de685541' })).json().error).toMatch(
        /cannot be changed/,
      );
      expect((await post({ id })).statusCode).toBe(200);
      expect((await post({ tags: [''] })).statusCode).toBe(400);
      expect((await post([1, 2])).statusCode).toBe(400);
      const unchanged = (await f.inject({ url: `/api/v1/agents/${id}` })).json();
      expect(unchanged.ram).toBe(16384);
    });

    it('disables, enables (→ offline until the agent reports) and asks for a restart', async () => {
      const f = farm();
      const { id } = await registerAgent(f);
      const action = (name: string, as: 'wrangler' | 'artist' = 'wrangler') =>
        f.inject({ method: 'POST', url: `/api/v1/agents/${id}/${name}`, as });
      expect((await action('disable', 'artist')).statusCode).toBe(403);
      expect((await action('disable')).json().state).toBe('disabled');
      expect((await action('disable')).json().state).toBe('disabled');
      expect((await action('enable')).json().state).toBe('offline');
      const restart = await action('restart');
      expect(restart.json()).toMatchObject({ restart_requested: true, state: 'offline' });
      expect(
        (
          await f.inject({
            method: 'POST',
            url: '/api/v1/agents/4eefca76-1127-4c17-a3df-c1a7de685541/enable',
          })
        ).statusCode,
      ).toBe(404);
    });

    it('deletes an agent (204, idempotent) and says so', async () => {
      const f = farm();
      const { id } = await registerAgent(f);
      expect(
        (await f.inject({ method: 'DELETE', url: `/api/v1/agents/${id}`, as: 'artist' })).statusCode,
      ).toBe(403);
      expect(
        (await f.inject({ method: 'DELETE', url: `/api/v1/agents/${id}`, as: 'agent' })).statusCode,
      ).toBe(403);
      const events = await eventsDuring(f, async () => {
        expect(
          (await f.inject({ method: 'DELETE', url: `/api/v1/agents/${id}`, as: 'wrangler' })).statusCode,
        ).toBe(204);
      });
      expect(events).toEqual([{ type: 'agent.deleted', agentId: id }]);
      expect((await f.inject({ url: `/api/v1/agents/${id}` })).statusCode).toBe(404);
      expect((await f.inject({ method: 'DELETE', url: `/api/v1/agents/${id}` })).statusCode).toBe(204);
      expect((await f.inject({ method: 'DELETE', url: '/api/v1/agents/garbage' })).statusCode).toBe(204);
    });

    it('describes its columns', async () => {
      const res = await farm().inject({ url: '/api/v1/agents/schema' });
      expect(res.json()).toMatchObject({
        id: 'UUIDType',
        hostname: 'VARCHAR(255)',
        remote_ip: 'IPv4Address',
        ram: 'INTEGER',
        state: 'AgentStateEnum',
      });
      expect(res.json()).not.toHaveProperty('api_secret');
    });
  });

  describe('index', () => {
    it('lists {id, hostname, port, remote_ip} filtered as the seed says', async () => {
      const f = farm();
      const prefix = unique('idx');
      const small = await registerAgent(f, {
        hostname: `${prefix}-a`,
        ram: 2048,
        cpus: 2,
        remote_ip: '10.9.0.1',
      });
      const big = await registerAgent(f, { hostname: `${prefix}-b`, ram: 65536, cpus: 64, port: 50002 });
      const list = async (query: string) => {
        const res = await f.inject({ url: `/api/v1/agents/?${query}`, as: 'artist' });
        expect(res.statusCode, query).toBe(200);
        return res.json() as { id: string }[];
      };
      const all = await list('');
      expect(all.find((a) => a.id === small.id)).toEqual({
        id: small.id,
        hostname: `${prefix}-a`,
        port: 50000,
        remote_ip: '10.9.0.1',
      });
      const ids = (agents: { id: string }[]) =>
        agents.map((a) => a.id).filter((id) => [small.id, big.id].includes(id));
      expect(ids(await list('min_ram=4096&min_cpus=4'))).toEqual([big.id]);
      expect(ids(await list('max_ram=4096'))).toEqual([small.id]);
      expect(ids(await list('max_cpus=2'))).toEqual([small.id]);
      expect(ids(await list(`hostname=${prefix}-b`))).toEqual([big.id]);
      expect(ids(await list('remote_ip=10.9.0.1'))).toEqual([small.id]);
      expect(ids(await list(`port=50002&hostname=${prefix}-b`))).toEqual([big.id]);
      expect(await list('min_cpus=1234567890')).toEqual([]);
      for (const bad of [
        'min_ram=lots',
        'max_cpus=1.5',
        'hostname=bad_host!',
        'remote_ip=1.2.3',
        'port=0',
        'port=x',
        'state=asleep',
      ]) {
        const res = await f.inject({ url: `/api/v1/agents/?${bad}` });
        expect(res.statusCode, bad).toBe(400);
      }
    });

    it('pages, sorts and filters by state, tag, version and host name for the web UI', async () => {
      const f = farm();
      const prefix = unique('page');
      const ids: string[] = [];
      for (const [i, cpus] of [4, 16, 8].entries()) {
        ids.push(
          (await registerAgent(f, { hostname: `${prefix}-${i}`, cpus, version: i === 2 ? '2.0' : '1.0' })).id,
        );
      }
      await f.inject({
        method: 'POST',
        url: `/api/v1/agents/${ids[1]}`,
        payload: { tags: [`${prefix}-gpu`] },
      });
      await f.inject({ method: 'POST', url: `/api/v1/agents/${ids[2]}/disable` });
      const page = async (query: string) => {
        const res = await f.inject({ url: `/api/v1/agents/?search=${prefix.toUpperCase()}&${query}` });
        expect(res.statusCode, query).toBe(200);
        return res.json();
      };
      const first = await page('order_by=cpus&order_dir=desc&per_page=2');
      expect(first.total).toBe(3);
      expect(first.page).toBe(1);
      expect(first.per_page).toBe(2);
      expect(first.agents.map((a: { cpus: number }) => a.cpus)).toEqual([16, 8]);
      expect(first.agents[0].tags).toEqual([`${prefix}-gpu`]);
      expect(Object.keys(first.agents[0]).sort()).toEqual(AGENT_KEYS);
      expect(first.counts.disabled).toBeGreaterThanOrEqual(1);
      const second = await page('order_by=cpus&order_dir=desc&per_page=2&page=2');
      expect(second.agents.map((a: { cpus: number }) => a.cpus)).toEqual([4]);
      expect((await page('page=1&state=disabled')).agents.map((a: { id: string }) => a.id)).toEqual([ids[2]]);
      expect((await page(`page=1&state=online&state=running`)).total).toBe(2);
      expect(
        (await page(`page=1&tag=${prefix}-gpu&tag=nope`)).agents.map((a: { id: string }) => a.id),
      ).toEqual([ids[1]]);
      expect((await page('page=1&version=2.0')).agents.map((a: { id: string }) => a.id)).toEqual([ids[2]]);
      expect(
        (await page('page=1&order_by=version')).agents.map((a: { version: string }) => a.version),
      ).toEqual(['1.0', '1.0', '2.0']);
      const unpaged = await f.inject({ url: `/api/v1/agents/?search=${prefix}&state=disabled` });
      expect(unpaged.json()).toEqual([
        { id: ids[2], hostname: `${prefix}-2`, port: 50000, remote_ip: '127.0.0.1' },
      ]);
      for (const bad of ['per_page=0', 'per_page=5000', 'page=0', 'order_by=secret', 'order_dir=up']) {
        expect((await f.inject({ url: `/api/v1/agents/?${bad}` })).statusCode, bad).toBe(400);
      }
      // LIKE wildcards in the search are literal.
      const wildcard = await f.inject({ url: `/api/v1/agents/?page=1&search=${prefix}%25` });
      expect(wildcard.json().total).toBe(0);
      const underscore = await f.inject({
        url: `/api/v1/agents/?page=1&search=${prefix.replace(/-/g, '_')}`,
      });
      expect(underscore.json().total).toBe(0);
    });
  });
});

describe('registration from loopback and IPv6 (sqlite)', () => {
  it('refuses loopback agents unless the master allows them', async () => {
    const database = await createTestDatabase('sqlite');
    const f = await createTestMaster(database, { allowAgentLoopback: false });
    try {
      const res = await f.inject({
        method: 'POST',
        url: '/api/v1/agents/',
        as: 'agent',
        payload: registrationBody(),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatch(
        /connects from 127\.0\.0\.1.*loopback.*--allow-agent-loopback-addresses/,
      );
      const explicit = await f.inject({
        method: 'POST',
        url: '/api/v1/agents/',
        as: 'agent',
        payload: registrationBody({ remote_ip: '127.0.0.2' }),
      });
      expect(explicit.json().error).toMatch(/remote_ip: must not be a loopback address/);
      const ok = await f.inject({
        method: 'POST',
        url: '/api/v1/agents/',
        as: 'agent',
        payload: registrationBody({ remote_ip: '10.0.0.9' }),
      });
      expect(ok.statusCode).toBe(201);
      const ipv6 = await f.master.app.inject({
        method: 'POST',
        url: '/api/v1/agents/',
        remoteAddress: 'fe80::1',
        headers: { authorization: `Bearer ${f.tokens.agent}` },
        payload: registrationBody(),
      });
      expect(ipv6.statusCode).toBe(400);
      expect(ipv6.json().error).toMatch(/IPv6/);
      const byName = await f.master.app.inject({
        method: 'POST',
        url: '/api/v1/agents/',
        remoteAddress: '2001:db8::5',
        headers: { authorization: `Bearer ${f.tokens.agent}` },
        payload: registrationBody({ use_address: 'hostname' }),
      });
      expect(byName.statusCode).toBe(201);
      expect(byName.json()).toMatchObject({ remote_ip: null, use_address: 'hostname' });
      const mapped = await f.master.app.inject({
        method: 'POST',
        url: '/api/v1/agents/',
        remoteAddress: '::ffff:10.2.3.4',
        headers: { authorization: `Bearer ${f.tokens.agent}` },
        payload: registrationBody(),
      });
      expect(mapped.json().remote_ip).toBe('10.2.3.4');
    } finally {
      await f.close();
      await database.destroy();
    }
  });

  it('checks the farm name against the master’s', async () => {
    const database = await createTestDatabase('sqlite');
    const f = await createTestMaster(database, { config: { farm_name: 'north' } });
    try {
      const post = (farm_name: unknown) =>
        f.inject({
          method: 'POST',
          url: '/api/v1/agents/',
          as: 'agent',
          payload: registrationBody(farm_name === undefined ? {} : { farm_name }),
        });
      expect((await post('north')).statusCode).toBe(201);
      expect((await post(undefined)).statusCode).toBe(201);
      expect((await post(null)).statusCode).toBe(201);
      const wrong = await post('south');
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().error).toMatch(/^Wrong farm name/);
    } finally {
      await f.close();
      await database.destroy();
    }
  });
});

async function registerAgentWith(
  f: ReturnType<Parameters<Parameters<typeof forEachDialectMaster>[0]>[1]>,
  token: string,
) {
  const body = registrationBody();
  const res = await injectWithToken(f, token, { method: 'POST', url: '/api/v1/agents/', payload: body });
  expect(res.statusCode).toBe(201);
  const agent = await findAgent(f.master.context.db, String(body.id));
  return { id: String(body.id), body, tokenId: agent!.tokenId! };
}

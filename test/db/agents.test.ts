import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../src/core/errors.js';
import { AgentState, OperatingSystem, UseAgentAddress, WorkState } from '../../src/core/enums.js';
import {
  addAgentSoftwareVersion,
  addAgentTag,
  listAgentDisks,
  listAgentGpus,
  listAgentMacAddresses,
  listAgentSoftwareVersions,
  listAgentTags,
  listTagsOfAgents,
  removeAgentSoftwareVersion,
  removeAgentTag,
  setAgentDisks,
  setAgentGpus,
  setAgentMacAddresses,
  setAgentSoftwareVersions,
  setAgentTags,
} from '../../src/db/agents/agent-associations.repository.js';
import {
  countAgentsByState,
  createAgent,
  deleteAgent,
  findAgent,
  getAgent,
  listAgents,
  updateAgent,
  updateAgents,
} from '../../src/db/agents/agent.repository.js';
import { DEFAULT_MODEL_LIMITS } from '../../src/db/rules/model-limits.js';
import { createSoftware } from '../../src/db/software/software.repository.js';
import { createTaskLog, findTaskLog } from '../../src/db/tasklogs/task-log.repository.js';
import { addTaskFailedOnAgent, listAgentsTaskFailedOn } from '../../src/db/tasks/failed-task.repository.js';
import { createTasks, getTask, listTasks, updateTasks } from '../../src/db/tasks/task.repository.js';
import { forEachDialect } from '../support/databases.js';
import { agentInput, makeAgent, makeJob, unique } from '../support/fixtures.js';

forEachDialect((_dialect, database) => {
  const db = () => database().main.db;

  describe('agents', () => {
    it('creates an agent with PyFarm defaults and reads it back', async () => {
      const input = agentInput({ id: 'A3F1C2D4-0000-4000-8000-00000000000A' });
      const agent = await createAgent(db(), input, { now: 1_700_000_000_000 });
      expect(agent).toMatchObject({
        id: 'a3f1c2d4-0000-4000-8000-00000000000a',
        notes: '',
        useAddress: UseAgentAddress.values.REMOTE,
        state: AgentState.values.ONLINE,
        timeOffset: 0,
        restartRequested: false,
        ramAllocation: 0.8,
        cpuAllocation: 1,
        lastHeardFrom: 1_700_000_000_000,
        projects: null,
        version: null,
      });
      expect(await getAgent(db(), input.id)).toEqual(agent);
      expect(await findAgent(db(), 'not-a-uuid')).toBeUndefined();
      await expect(getAgent(db(), '00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it('allows the same hostname on different ports, rejects a duplicate id', async () => {
      const hostname = unique('twin');
      const first = await makeAgent(db(), { hostname, port: 50000 });
      await makeAgent(db(), { hostname, port: 50001 });
      await expect(createAgent(db(), agentInput({ id: first.id }))).rejects.toBeInstanceOf(ConflictError);
      expect(await listAgents(db(), { hostname })).toHaveLength(2);
    });

    it.each([
      ['port', { port: 1023 }],
      ['port', { port: 65536 }],
      ['cpus', { cpus: 0 }],
      ['cpus', { cpus: 257 }],
      ['ram', { ram: 15 }],
      ['ram', { ram: 262145 }],
      ['hostname', { hostname: '-bad-' }],
      ['remote_ip', { remoteIp: '127.0.0.1' }],
      ['remote_ip', { remoteIp: '169.254.1.1' }],
      ['state', { state: 'sleeping' as never }],
      ['state', { state: 999 as never }],
      ['use_address', { useAddress: 'carrier-pigeon' as never }],
      ['os_class', { osClass: 'beos' as never }],
      ['id', { id: 'not-a-uuid' }],
      ['free_ram', { freeRam: undefined as never }],
    ])('rejects a bad %s with a ValidationError', async (field, overrides) => {
      const err = await createAgent(db(), agentInput(overrides)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe(field);
    });

    it('accepts loopback agents when the limits allow it', async () => {
      const limits = { ...DEFAULT_MODEL_LIMITS, allowAgentsFromLoopback: true };
      const agent = await createAgent(db(), agentInput({ remoteIp: '127.0.0.1' }), { limits });
      expect(agent.remoteIp).toBe('127.0.0.1');
    });

    it('updates columns, enums by name or value, and projects', async () => {
      const agent = await makeAgent(db());
      const updated = await updateAgent(db(), agent.id.toUpperCase(), {
        state: 'disabled',
        osClass: OperatingSystem.values.LINUX,
        useAddress: 'hostname',
        projects: ['feature', 'feature', 'ads'],
        restartRequested: true,
        version: '1.2.3',
        lastPolled: 5,
      });
      expect(updated).toMatchObject({
        state: AgentState.values.DISABLED,
        osClass: OperatingSystem.values.LINUX,
        useAddress: UseAgentAddress.values.HOSTNAME,
        projects: ['feature', 'ads'],
        restartRequested: true,
        version: '1.2.3',
        lastPolled: 5,
      });
      await expect(
        updateAgent(db(), '00000000-0000-4000-8000-000000000001', { notes: 'x' }),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(updateAgent(db(), agent.id, { version: 'x'.repeat(17) })).rejects.toBeInstanceOf(
        ValidationError,
      );
    });

    it('filters lists and updates many agents at once', async () => {
      const big = await makeAgent(db(), { ram: 200_000, cpus: 64 });
      const small = await makeAgent(db(), { ram: 1024, cpus: 2 });
      const ids = (await listAgents(db(), { minRam: 100_000, minCpus: 32 })).map((a) => a.id);
      expect(ids).toContain(big.id);
      expect(ids).not.toContain(small.id);
      expect(await listAgents(db(), { minCpus: 1_234_567_890 })).toEqual([]);
      expect(await updateAgents(db(), [big.id, small.id], { state: 'offline' })).toBe(2);
      const offline = await listAgents(db(), {
        ids: [big.id, small.id],
        states: [AgentState.values.OFFLINE],
      });
      expect(offline).toHaveLength(2);
      const counts = await countAgentsByState(db());
      expect(counts[AgentState.values.OFFLINE]).toBeGreaterThanOrEqual(2);
      expect(Object.keys(counts).sort()).toEqual(['200', '201', '202', '203']);
    });
  });

  describe('agent associations', () => {
    it('replaces MAC addresses, normalised and de-duplicated', async () => {
      const agent = await makeAgent(db());
      await setAgentMacAddresses(db(), agent.id, ['AA:BB:CC:DD:EE:FF', 'aa-bb-cc-dd-ee-ff', '001122334455']);
      expect(await listAgentMacAddresses(db(), agent.id)).toEqual(['00:11:22:33:44:55', 'aa:bb:cc:dd:ee:ff']);
      await setAgentMacAddresses(db(), agent.id, []);
      expect(await listAgentMacAddresses(db(), agent.id)).toEqual([]);
      await expect(setAgentMacAddresses(db(), agent.id, ['nope'])).rejects.toBeInstanceOf(ValidationError);
      await expect(
        setAgentMacAddresses(db(), '00000000-0000-4000-8000-00000000dead', []),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it('shares GPU models between agents and replaces disks', async () => {
      const a = await makeAgent(db());
      const b = await makeAgent(db());
      await setAgentGpus(db(), a.id, ['NVIDIA RTX 4090', 'NVIDIA RTX 4090', 'AMD W7900']);
      await setAgentGpus(db(), b.id, ['NVIDIA RTX 4090']);
      expect(await listAgentGpus(db(), a.id)).toEqual(['AMD W7900', 'NVIDIA RTX 4090']);
      expect(await listAgentGpus(db(), b.id)).toEqual(['NVIDIA RTX 4090']);
      const gpus = await db()
        .selectFrom('gpus')
        .select('fullname')
        .where('fullname', '=', 'NVIDIA RTX 4090')
        .execute();
      expect(gpus).toHaveLength(1);

      const disks = [
        { mountpoint: '/', size: 500_000_000_000, free: 12_345_678_901 },
        { mountpoint: '/scratch', size: 8_000_000_000_000, free: 0 },
      ];
      await setAgentDisks(db(), a.id, disks);
      expect(await listAgentDisks(db(), a.id)).toEqual(disks);
      await expect(
        setAgentDisks(db(), a.id, [{ mountpoint: '/', size: -1, free: 0 }]),
      ).rejects.toBeInstanceOf(ValidationError);
      expect(await listAgentDisks(db(), a.id)).toEqual(disks);
    });

    it('tags agents by name and by id', async () => {
      const agent = await makeAgent(db());
      const other = await makeAgent(db());
      const [gpu, linux] = await setAgentTags(db(), agent.id, ['gpu', 'linux', 'gpu']);
      expect((await listAgentTags(db(), agent.id)).map((t) => t.tag)).toEqual(['gpu', 'linux']);
      expect(await addAgentTag(db(), other.id, gpu!.id)).toBe(true);
      expect(await addAgentTag(db(), other.id, gpu!.id)).toBe(false);
      const map = await listTagsOfAgents(db(), [agent.id, other.id]);
      expect(map.get(other.id)?.map((t) => t.tag)).toEqual(['gpu']);
      expect(await removeAgentTag(db(), agent.id, linux!.id)).toBe(true);
      expect(await removeAgentTag(db(), agent.id, linux!.id)).toBe(false);
      await expect(addAgentTag(db(), agent.id, 987_654)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('links software versions', async () => {
      const agent = await makeAgent(db());
      const software = await createSoftware(db(), {
        software: unique('maya'),
        versions: [{ version: '2024' }, { version: '2025' }],
      });
      const [v2024, v2025] = software.versions;
      await setAgentSoftwareVersions(db(), agent.id, [v2024!.id]);
      expect(await addAgentSoftwareVersion(db(), agent.id, v2025!.id)).toBe(true);
      expect(await addAgentSoftwareVersion(db(), agent.id, v2025!.id)).toBe(false);
      expect(await listAgentSoftwareVersions(db(), agent.id)).toEqual([
        {
          softwareId: software.id,
          software: software.software,
          versionId: v2024!.id,
          version: '2024',
          rank: 100,
        },
        {
          softwareId: software.id,
          software: software.software,
          versionId: v2025!.id,
          version: '2025',
          rank: 200,
        },
      ]);
      expect(await removeAgentSoftwareVersion(db(), agent.id, v2024!.id)).toBe(true);
      await expect(setAgentSoftwareVersions(db(), agent.id, [999_999])).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  it('deleting an agent removes what describes it and keeps its tasks, unassigned', async () => {
    const agent = await makeAgent(db());
    const software = await createSoftware(db(), {
      software: unique('houdini'),
      versions: [{ version: '20' }],
    });
    await setAgentMacAddresses(db(), agent.id, ['aa:bb:cc:00:00:01']);
    await setAgentDisks(db(), agent.id, [{ mountpoint: '/', size: 1, free: 1 }]);
    await setAgentGpus(db(), agent.id, ['gpu-for-delete']);
    await setAgentTags(db(), agent.id, ['delete-me']);
    await setAgentSoftwareVersions(db(), agent.id, [software.versions[0]!.id]);
    const job = await makeJob(db());
    await createTasks(db(), job.id, [{ frame: 1 }, { frame: 2 }]);
    const tasks = await listTasks(db(), { jobId: job.id });
    await updateTasks(
      db(),
      tasks.map((t) => t.id),
      { agentId: agent.id, state: WorkState.values.RUNNING },
    );
    await addTaskFailedOnAgent(db(), tasks[0]!.id, agent.id);
    const log = await createTaskLog(db(), { identifier: unique('log'), agentId: agent.id });

    expect(await deleteAgent(db(), agent.id)).toBe(true);
    expect(await deleteAgent(db(), agent.id)).toBe(false);

    const left = async (
      table:
        | 'agent_mac_addresses'
        | 'agent_disks'
        | 'gpu_agent_associations'
        | 'agent_tag_associations'
        | 'agent_software_version_associations'
        | 'failed_tasks_in_agents',
    ) => (await db().selectFrom(table).select('agent_id').where('agent_id', '=', agent.id).execute()).length;
    for (const table of [
      'agent_mac_addresses',
      'agent_disks',
      'gpu_agent_associations',
      'agent_tag_associations',
      'agent_software_version_associations',
      'failed_tasks_in_agents',
    ] as const) {
      expect(await left(table), table).toBe(0);
    }
    expect(await listAgentsTaskFailedOn(db(), tasks[0]!.id)).toEqual([]);
    const task = await getTask(db(), tasks[0]!.id);
    expect(task).toMatchObject({ agentId: null, state: WorkState.values.RUNNING });
    expect((await findTaskLog(db(), log.id))?.agentId).toBeNull();
    // Shared things survive: the GPU model, the tag, the software version.
    expect(
      await db().selectFrom('gpus').select('id').where('fullname', '=', 'gpu-for-delete').execute(),
    ).toHaveLength(1);
    expect(await db().selectFrom('tags').select('id').where('tag', '=', 'delete-me').execute()).toHaveLength(
      1,
    );
  });
});

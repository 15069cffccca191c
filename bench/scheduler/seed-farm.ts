/**
 * A large, mixed farm written straight into a database for the scheduler benchmark: a three-level queue
 * tree (3 × 3 × 3 leaves, varied weights and priorities), three job types with software requirements,
 * `jobs` jobs of `frames` frames spread over the leaves with tag, software and RAM requirements, and
 * `agents` idle agents with mixed tags, software and RAM.
 */
import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { AgentsTable, Database } from '../../src/db/database.js';
import { insertMany } from '../../src/db/inserts.js';
import { createJob } from '../../src/db/jobs/job.repository.js';
import {
  setJobSoftwareRequirements,
  setJobTagRequirements,
} from '../../src/db/jobs/job-associations.repository.js';
import { createJobType } from '../../src/db/jobtypes/jobtype.repository.js';
import { createJobQueue, type JobQueue } from '../../src/db/queues/job-queue.repository.js';
import { addSoftwareVersion, createSoftware } from '../../src/db/software/software.repository.js';
import { findOrCreateTags } from '../../src/db/tags/tag.repository.js';
import { createTasksForFrameRange } from '../../src/db/tasks/task.repository.js';
import { transaction } from '../../src/db/transaction.js';

export interface FarmSize {
  jobs: number;
  frames: number;
  agents: number;
}

export interface SeededFarm {
  leaves: JobQueue[];
  tops: JobQueue[];
  agentIds: string[];
  jobIds: number[];
}

/** A deterministic pseudo-random sequence, so every run builds the same farm. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export async function seedFarm(db: Kysely<Database>, size: FarmSize, now = Date.now()): Promise<SeededFarm> {
  const random = lcg(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

  const software: Record<string, { id: number; versions: number[] }> = {};
  for (const [name, versions] of [
    ['blender', ['3.6', '4.0', '4.1']],
    ['houdini', ['19.5', '20.0']],
    ['nuke', ['14.0', '15.0']],
  ] as const) {
    const created = await createSoftware(db, { software: name });
    const ids: number[] = [];
    for (const [i, version] of versions.entries())
      ids.push((await addSoftwareVersion(db, created.id, { version, rank: (i + 1) * 100 })).id);
    software[name] = { id: created.id, versions: ids };
  }
  const tags = await findOrCreateTags(db, ['gpu', 'fast', 'slow', 'linux', 'windows']);
  const tagId = (name: string) => tags.find((t) => t.tag === name)!.id;

  const jobtypes: number[] = [];
  for (const [name, requirement] of [
    ['blender', { software: 'blender', minVersion: '4.0' }],
    ['houdini', { software: 'houdini' }],
    ['nuke', { software: 'nuke', minVersion: '14.0' }],
  ] as const) {
    const { version } = await createJobType(
      db,
      { name: `bench-${name}` },
      { code: 'class Bench {}', maxBatch: null, softwareRequirements: [requirement] },
    );
    jobtypes.push(version.id);
  }

  const tops: JobQueue[] = [];
  const leaves: JobQueue[] = [];
  for (const [t, weight] of [60, 30, 10].entries()) {
    const top = await createJobQueue(db, { name: `dept${t}`, weight });
    tops.push(top);
    for (let m = 0; m < 3; m++) {
      const middle = await createJobQueue(db, {
        name: `show${t}${m}`,
        parentId: top.id,
        weight: 10 + 10 * m,
        priority: m === 2 ? 1 : 0,
      });
      for (let l = 0; l < 3; l++) {
        leaves.push(
          await createJobQueue(db, { name: `seq${t}${m}${l}`, parentId: middle.id, weight: 10, priority: 0 }),
        );
      }
    }
  }

  const agentIds: string[] = [];
  const agentRows: Insertable<AgentsTable>[] = [];
  const tagRows: { agent_id: string; tag_id: number }[] = [];
  const softwareRows: { agent_id: string; software_version_id: number }[] = [];
  for (let i = 0; i < size.agents; i++) {
    const id = randomUUID();
    agentIds.push(id);
    const ram = pick([16384, 32768, 65536]);
    agentRows.push({
      id,
      hostname: `render${String(i).padStart(5, '0')}`,
      port: 50000,
      ram,
      free_ram: Math.floor(ram * 0.9),
      cpus: pick([8, 16, 32]),
      remote_ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      last_heard_from: now,
    });
    if (random() < 0.3) tagRows.push({ agent_id: id, tag_id: tagId('gpu') });
    if (random() < 0.5) tagRows.push({ agent_id: id, tag_id: tagId(random() < 0.5 ? 'fast' : 'slow') });
    tagRows.push({ agent_id: id, tag_id: tagId(random() < 0.8 ? 'linux' : 'windows') });
    softwareRows.push({ agent_id: id, software_version_id: pick(software.blender!.versions) });
    if (random() < 0.6)
      softwareRows.push({ agent_id: id, software_version_id: pick(software.houdini!.versions) });
    if (random() < 0.4)
      softwareRows.push({ agent_id: id, software_version_id: pick(software.nuke!.versions) });
  }
  await transaction(db, async (trx) => {
    await insertMany(trx, 'agents', agentRows);
    await insertMany(trx, 'agent_tag_associations', tagRows);
    await insertMany(trx, 'agent_software_version_associations', softwareRows);
  });

  const jobIds: number[] = [];
  for (let j = 0; j < size.jobs; j++) {
    await transaction(db, async (trx) => {
      const job = await createJob(trx, {
        title: `bench job ${j}`,
        jobtypeVersionId: jobtypes[j % 3]!,
        jobQueueId: leaves[j % leaves.length]!.id,
        ram: pick([32, 2000, 8000, 30000]),
        cpus: pick([1, 1, 4, 8]),
        priority: random() < 0.1 ? 10 : 0,
        timeSubmitted: now - (size.jobs - j) * 1000,
      });
      await createTasksForFrameRange(trx, job.id, { start: 1, end: size.frames });
      const r = random();
      if (r < 0.2) await setJobTagRequirements(trx, job.id, [{ tag: 'gpu' }]);
      else if (r < 0.3) await setJobTagRequirements(trx, job.id, [{ tag: 'slow', negate: true }]);
      else if (r < 0.35) await setJobTagRequirements(trx, job.id, [{ tag: 'windows' }]);
      if (j % 3 === 0 && random() < 0.3)
        await setJobSoftwareRequirements(trx, job.id, [{ software: 'blender', minVersion: '4.1' }]);
      jobIds.push(job.id);
    });
  }
  return { leaves, tops, agentIds, jobIds };
}

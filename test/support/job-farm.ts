/**
 * Builders for the jobs API tests: a job type (optionally tiling), software with versions, queues, and
 * agents registered with the test agent token (so that the agent role may report on their tasks).
 */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { createAgent, type Agent, type NewAgent } from '../../src/db/agents/agent.repository.js';
import { createJobType, createJobTypeVersion } from '../../src/db/jobtypes/jobtype.repository.js';
import { createJobQueue, type JobQueue } from '../../src/db/queues/job-queue.repository.js';
import { createSoftware } from '../../src/db/software/software.repository.js';
import { agentInput, unique } from './fixtures.js';
import type { TestMaster } from './master.js';

export async function makeJobType(
  farm: TestMaster,
  options: { supportsTiling?: boolean; noAutomaticStartTime?: boolean; versions?: number } = {},
): Promise<string> {
  const name = unique('jt');
  const { jobType } = await createJobType(
    farm.master.context.db,
    { name },
    {
      code: 'export default class {}',
      supportsTiling: options.supportsTiling ?? false,
      noAutomaticStartTime: options.noAutomaticStartTime ?? false,
    },
  );
  for (let v = 2; v <= (options.versions ?? 1); v++) {
    await createJobTypeVersion(farm.master.context.db, jobType.id, {
      code: `// v${v}`,
      supportsTiling: options.supportsTiling ?? false,
    });
  }
  return name;
}

export async function makeSoftware(farm: TestMaster, versions: string[]): Promise<string> {
  const name = unique('sw');
  await createSoftware(farm.master.context.db, {
    software: name,
    versions: versions.map((version) => ({ version })),
  });
  return name;
}

export async function makeQueue(farm: TestMaster, name: string, parentId?: number): Promise<JobQueue> {
  return createJobQueue(farm.master.context.db, { name, parentId: parentId ?? null });
}

/** The id of the test agent token (the agent role's token in the test master). */
export async function agentTokenId(farm: TestMaster): Promise<number> {
  const row = await farm.master.context.db
    .selectFrom('api_tokens')
    .select('id')
    .where('user_id', '=', farm.users.agent.id)
    .where('kind', '=', 'agent')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** An agent registered with the test agent token (or another token with `tokenId`). */
export async function makeAgent(farm: TestMaster, overrides: Partial<NewAgent> = {}): Promise<Agent> {
  return createAgent(farm.master.context.db, {
    ...agentInput(),
    tokenId: await agentTokenId(farm),
    ...overrides,
  });
}

export function json<T = Record<string, unknown>>(res: LightMyRequestResponse, status: number): T {
  if (res.statusCode !== status) {
    expect.fail(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  }
  return res.json() as T;
}

/** Small builders for repository tests: unique names, sensible defaults, overridable fields. */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createAgent, type Agent, type NewAgent } from '../../src/db/agents/agent.repository.js';
import type { Database } from '../../src/db/database.js';
import { createJob, type Job, type NewJob } from '../../src/db/jobs/job.repository.js';
import { createJobType, type JobTypeVersion } from '../../src/db/jobtypes/jobtype.repository.js';

let counter = 0;

/** A name no other test in the run uses. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

export async function makeJobTypeVersion(db: Kysely<Database>): Promise<JobTypeVersion> {
  const { version } = await createJobType(db, { name: unique('jt') }, { code: 'export default class {}' });
  return version;
}

export async function makeJob(db: Kysely<Database>, overrides: Partial<NewJob> = {}): Promise<Job> {
  const jobtypeVersionId = overrides.jobtypeVersionId ?? (await makeJobTypeVersion(db)).id;
  return createJob(db, { title: unique('job'), ...overrides, jobtypeVersionId });
}

export function agentInput(overrides: Partial<NewAgent> = {}): NewAgent {
  return {
    id: randomUUID(),
    hostname: unique('render'),
    port: 50000,
    ram: 16384,
    freeRam: 8000,
    cpus: 8,
    remoteIp: '10.0.0.5',
    ...overrides,
  };
}

export async function makeAgent(db: Kysely<Database>, overrides: Partial<NewAgent> = {}): Promise<Agent> {
  return createAgent(db, agentInput(overrides));
}

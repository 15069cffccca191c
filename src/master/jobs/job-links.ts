/**
 * The links of a job that a submission sets and an update replaces: tags, tag and software requirements,
 * parents, notified users. Each list given replaces the stored one; a list left out is kept.
 */
import type { Kysely } from 'kysely';
import type { SubmitJobBody, UpdateJobBody } from '../../api/schemas/jobs.js';
import type { Database } from '../../db/database.js';
import {
  setJobParents,
  setJobSoftwareRequirements,
  setJobTagRequirements,
  setJobTags,
  setNotifiedUsers,
} from '../../db/jobs/job-associations.repository.js';
import type { WriteOptions } from '../../db/write-options.js';

type JobLinks = Pick<
  SubmitJobBody & UpdateJobBody,
  'tags' | 'tag_requirements' | 'software_requirements' | 'parents' | 'notified_users'
>;

export async function setJobLinks(
  trx: Kysely<Database>,
  jobId: number,
  input: JobLinks,
  options: WriteOptions & {
    /** The user a notified_users entry names (submissions may create it, updates may not). */
    resolveUser: (username: string) => Promise<{ id: number }>;
  },
): Promise<void> {
  if (input.tags) await setJobTags(trx, jobId, input.tags, options);
  if (input.tag_requirements) await setJobTagRequirements(trx, jobId, input.tag_requirements, options);
  if (input.software_requirements) {
    await setJobSoftwareRequirements(
      trx,
      jobId,
      input.software_requirements.map((r) => ({
        software: r.software,
        minVersion: r.min_version ?? null,
        maxVersion: r.max_version ?? null,
      })),
    );
  }
  if (input.parents)
    await setJobParents(
      trx,
      jobId,
      input.parents.map((p) => p.id),
    );
  if (input.notified_users) {
    const subscriptions = [];
    for (const entry of input.notified_users) {
      const user = await options.resolveUser(entry.username);
      subscriptions.push({
        userId: user.id,
        ...(entry.on_success !== undefined ? { onSuccess: entry.on_success } : {}),
        ...(entry.on_failure !== undefined ? { onFailure: entry.on_failure } : {}),
        ...(entry.on_deletion !== undefined ? { onDeletion: entry.on_deletion } : {}),
      });
    }
    await setNotifiedUsers(trx, jobId, subscriptions);
  }
}

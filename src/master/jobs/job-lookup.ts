/**
 * `/jobs/<x>`: a segment of only digits is a job id, anything else a title. Titles are not unique (PyFarm
 * took whichever job the database returned first); Drover answers 409 naming the ids when several jobs
 * share the title, so that a DELETE or an update never hits a job the caller did not mean.
 */
import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Database } from '../../db/database.js';
import { findJob, listJobs, type Job } from '../../db/jobs/job.repository.js';
import { idOrName } from '../http/id-or-name.js';

/** Titles are at most this long and never contain NUL; anything else cannot name a job. */
const MAX_TITLE_LENGTH = 255;

export async function findJobByKey(db: Kysely<Database>, segment: string): Promise<Job | undefined> {
  const key = idOrName(segment);
  if (typeof key === 'number') return findJob(db, key);
  if (key.includes('\0') || [...key].length > MAX_TITLE_LENGTH) return undefined;
  const matches = await listJobs(db, { title: key, order: 'oldest', limit: 3 });
  if (matches.length > 1) {
    const ids = matches.map((job) => job.id);
    throw new ConflictError(
      `${matches.length > 2 ? 'several' : 'two'} jobs are titled ${JSON.stringify(key)} ` +
        `(ids ${ids.join(', ')}${matches.length > 2 ? ', ...' : ''}); address the job by its id`,
      { entity: 'job' },
    );
  }
  return matches[0];
}

export async function getJobByKey(db: Kysely<Database>, segment: string): Promise<Job> {
  const job = await findJobByKey(db, segment);
  if (!job) throw new NotFoundError('job', segment);
  return job;
}

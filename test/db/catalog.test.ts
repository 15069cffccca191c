import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../src/core/errors.js';
import {
  createJobType,
  createJobTypeVersion,
  deleteJobType,
  deleteJobTypeVersion,
  findJobType,
  findLatestJobTypeVersion,
  getJobTypeVersion,
  listJobTypeVersionNumbers,
  listJobTypeVersionRequirements,
  setJobTypeVersionRequirements,
  updateJobType,
} from '../../src/db/jobtypes/jobtype.repository.js';
import {
  listJobSoftwareRequirements,
  setJobSoftwareRequirements,
} from '../../src/db/jobs/job-associations.repository.js';
import {
  addSoftwareVersion,
  createSoftware,
  deleteSoftware,
  deleteSoftwareVersion,
  findSoftware,
  getSoftwareVersion,
  listDefaultSoftwareVersions,
  listSoftware,
  nextRank,
  renameSoftware,
  updateSoftwareVersion,
} from '../../src/db/software/software.repository.js';
import {
  createTag,
  deleteTag,
  findOrCreateTags,
  findTag,
  getTag,
  listTagAgentIds,
  listTagJobIds,
  renameTag,
  setTagAgents,
  setTagJobs,
} from '../../src/db/tags/tag.repository.js';
import {
  createToken,
  deleteExpiredTokens,
  findTokenByHash,
  listTokens,
  revokeToken,
  touchToken,
} from '../../src/db/users/token.repository.js';
import {
  createRole,
  createUser,
  deleteUser,
  findOrCreateUser,
  findUser,
  findUserByEmail,
  getUser,
  isUserActive,
  listUserRoles,
  setUserRoles,
  updateUser,
} from '../../src/db/users/user.repository.js';
import { forEachDialect } from '../support/databases.js';
import { makeAgent, makeJob, unique } from '../support/fixtures.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

forEachDialect((_dialect, database) => {
  const db = () => database().main.db;

  describe('tags', () => {
    it('are unique by name and addressed by id or name', async () => {
      const name = unique('tag');
      const tag = await createTag(db(), name);
      expect(await getTag(db(), name)).toEqual(tag);
      expect(await getTag(db(), tag.id)).toEqual(tag);
      await expect(createTag(db(), name)).rejects.toBeInstanceOf(ConflictError);
      await expect(createTag(db(), 'x'.repeat(65))).rejects.toBeInstanceOf(ValidationError);
      await expect(getTag(db(), unique('missing'))).rejects.toBeInstanceOf(NotFoundError);
      const renamed = await renameTag(db(), tag.id, `${name}-2`);
      expect(await findTag(db(), name)).toBeUndefined();
      expect(renamed.tag).toBe(`${name}-2`);
    });

    it('finds or creates many at once, in order', async () => {
      const [a, b] = [unique('a'), unique('b')];
      await createTag(db(), b);
      const tags = await findOrCreateTags(db(), [a, b, a]);
      expect(tags.map((t) => t.tag)).toEqual([a, b]);
      expect(await findOrCreateTags(db(), [b, a])).toEqual([tags[1], tags[0]]);
    });

    it('link agents and jobs, and take their links along when deleted', async () => {
      const tag = await createTag(db(), unique('linked'));
      const agent = await makeAgent(db());
      const job = await makeJob(db());
      await setTagAgents(db(), tag.id, [agent.id]);
      await setTagJobs(db(), tag.id, [job.id]);
      expect(await listTagAgentIds(db(), tag.id)).toEqual([agent.id]);
      expect(await listTagJobIds(db(), tag.id)).toEqual([job.id]);
      await expect(
        setTagAgents(db(), tag.id, ['00000000-0000-4000-8000-000000000000']),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect(await listTagAgentIds(db(), tag.id)).toEqual([agent.id]);
      expect(await deleteTag(db(), tag.id)).toBe(true);
      expect(await deleteTag(db(), tag.id)).toBe(false);
      expect(await listTagAgentIds(db(), tag.id)).toEqual([]);
    });
  });

  describe('software', () => {
    it('ranks versions 100, 200, ... and keeps (software, version) and (software, rank) unique', async () => {
      const name = unique('blender');
      const software = await createSoftware(db(), {
        software: name,
        versions: [{ version: '3.6' }, { version: '4.0' }],
      });
      expect(software.versions.map((v) => [v.version, v.rank])).toEqual([
        ['3.6', 100],
        ['4.0', 200],
      ]);
      expect((await addSoftwareVersion(db(), software.id, { version: '4.1', rank: 250 })).rank).toBe(250);
      expect((await addSoftwareVersion(db(), software.id, { version: '4.2' })).rank).toBe(400);
      await expect(addSoftwareVersion(db(), software.id, { version: '4.0' })).rejects.toBeInstanceOf(
        ConflictError,
      );
      await expect(addSoftwareVersion(db(), software.id, { version: '9', rank: 100 })).rejects.toMatchObject({
        data: { columns: ['software_id', 'rank'] },
      });
      await expect(createSoftware(db(), { software: name })).rejects.toBeInstanceOf(ConflictError);
      // A failed create leaves nothing behind.
      const other = unique('other');
      await expect(
        createSoftware(db(), {
          software: other,
          versions: [
            { version: 'a', rank: 1 },
            { version: 'b', rank: 1 },
          ],
        }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await findSoftware(db(), other)).toBeUndefined();
      expect(nextRank(null)).toBe(100);
      expect(nextRank(150)).toBe(300);
    });

    it('updates versions and requires discovery code and function together', async () => {
      const software = await createSoftware(db(), {
        software: unique('katana'),
        versions: [{ version: '7' }],
      });
      const version = software.versions[0]!;
      await expect(
        addSoftwareVersion(db(), software.id, { version: '8', discoveryCode: 'x' }),
      ).rejects.toBeInstanceOf(ValidationError);
      const updated = await updateSoftwareVersion(db(), version.id, {
        default: true,
        discoveryCode: 'def find(): return "7"',
        discoveryFunctionName: 'find',
      });
      expect(updated).toMatchObject({ default: true, discoveryFunctionName: 'find' });
      await expect(
        updateSoftwareVersion(db(), version.id, { discoveryFunctionName: null }),
      ).rejects.toBeInstanceOf(ValidationError);
      expect((await listDefaultSoftwareVersions(db())).map((v) => v.id)).toContain(version.id);
      expect(await getSoftwareVersion(db(), software.id, '7')).toEqual(updated);
      const all = await listSoftware(db());
      expect(all.find((s) => s.id === software.id)?.versions).toEqual([updated]);
      expect((await renameSoftware(db(), software.id, unique('katana2'))).id).toBe(software.id);
    });

    it('cannot delete a version a job still requires, but can delete the software', async () => {
      const name = unique('redshift');
      const software = await createSoftware(db(), { software: name, versions: [{ version: '3' }] });
      const job = await makeJob(db());
      await setJobSoftwareRequirements(db(), job.id, [{ software: name, minVersion: '3' }]);
      await expect(deleteSoftwareVersion(db(), software.versions[0]!.id)).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect(await getSoftwareVersion(db(), software.id, '3')).toBeDefined();
      // Deleting the whole software takes the requirements on it along.
      expect(await deleteSoftware(db(), software.id)).toBe(true);
      expect(await deleteSoftware(db(), software.id)).toBe(false);
      expect(await listJobSoftwareRequirements(db(), job.id)).toEqual([]);
    });
  });

  describe('job types', () => {
    it('versions 1, 2, ... with requirements, unique by name and (jobtype, version)', async () => {
      const name = unique('blender-render');
      const sw = unique('blender');
      await createSoftware(db(), { software: sw, versions: [{ version: '4.0' }] });
      const { jobType, version } = await createJobType(
        db(),
        { name, description: 'Renders' },
        { code: 'class A {}', maxBatch: null, softwareRequirements: [{ software: sw, minVersion: '4.0' }] },
      );
      expect(version).toMatchObject({
        version: 1,
        maxBatch: null,
        batchContiguous: true,
        supportsTiling: false,
      });
      expect(await listJobTypeVersionRequirements(db(), version.id)).toMatchObject([
        { software: sw, minVersion: '4.0' },
      ]);
      const v2 = await createJobTypeVersion(db(), jobType.id, { code: 'class B {}', maxBatch: 5 });
      expect(v2.version).toBe(2);
      expect(await listJobTypeVersionNumbers(db(), jobType.id)).toEqual([1, 2]);
      expect((await findLatestJobTypeVersion(db(), jobType.id))?.id).toBe(v2.id);
      expect(await getJobTypeVersion(db(), jobType.id, 1)).toEqual(version);
      await expect(createJobType(db(), { name }, { code: 'x' })).rejects.toBeInstanceOf(ConflictError);
      await expect(
        db()
          .insertInto('jobtype_versions')
          .values({ jobtype_id: jobType.id, version: 2, code: 'dup' })
          .execute(),
      ).rejects.toMatchObject({ data: { columns: ['jobtype_id', 'version'] } });
      await expect(createJobTypeVersion(db(), jobType.id, { code: 'x', maxBatch: 0 })).rejects.toThrow(
        /max_batch/,
      );
      await expect(createJobTypeVersion(db(), 987_654, { code: 'x' })).rejects.toBeInstanceOf(NotFoundError);
      await setJobTypeVersionRequirements(db(), v2.id, []);
      expect((await updateJobType(db(), name, { failSubject: 'Oops' })).failSubject).toBe('Oops');
    });

    it('deletes versions with the job type, unless a job uses one', async () => {
      const { jobType, version } = await createJobType(db(), { name: unique('jt') }, { code: 'x' });
      const v2 = await createJobTypeVersion(db(), jobType.id, { code: 'y' });
      const job = await makeJob(db(), { jobtypeVersionId: v2.id });
      await expect(deleteJobType(db(), jobType.id)).rejects.toBeInstanceOf(ConflictError);
      expect(await deleteJobTypeVersion(db(), version.id)).toBe(true);
      await db().deleteFrom('jobs').where('id', '=', job.id).execute();
      expect(await deleteJobType(db(), jobType.id)).toBe(true);
      expect(await findJobType(db(), jobType.id)).toBeUndefined();
      expect(
        await db().selectFrom('jobtype_versions').select('id').where('jobtype_id', '=', jobType.id).execute(),
      ).toEqual([]);
    });
  });

  describe('users, roles and tokens', () => {
    it('keeps usernames unique and manages roles', async () => {
      const username = unique('user');
      const email = `${username}@example.com`;
      const user = await createUser(db(), { username, email, passwordHash: 'scrypt$...', roles: ['artist'] });
      expect((await listUserRoles(db(), user.id)).map((r) => r.name)).toEqual(['artist']);
      await expect(createUser(db(), { username })).rejects.toBeInstanceOf(ConflictError);
      await expect(createUser(db(), { username: unique('u'), email })).rejects.toBeInstanceOf(ConflictError);
      await expect(createUser(db(), { username: unique('u'), roles: ['pope'] })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(await getUser(db(), username)).toEqual(user);
      expect((await findUserByEmail(db(), email))?.id).toBe(user.id);
      const roles = await setUserRoles(db(), user.id, ['admin', 'wrangler']);
      expect(roles.map((r) => r.name)).toEqual(['admin', 'wrangler']);
      expect(isUserActive(user, roles, Date.now())).toBe(true);
      const temp = await createRole(db(), { name: unique('temp'), expiration: 1000 });
      expect(isUserActive(user, [...roles, temp], 2000)).toBe(false);
      const updated = await updateUser(db(), user.id, { lastLogin: 99, active: false });
      expect(updated).toMatchObject({ lastLogin: 99, active: false });
      expect(isUserActive(updated, roles, 0)).toBe(false);
      const again = await findOrCreateUser(db(), username);
      expect(again.id).toBe(user.id);
      expect((await findOrCreateUser(db(), unique('auto'))).passwordHash).toBeNull();
    });

    it('stores tokens by hash, unique, and deletes them with their user', async () => {
      const user = await createUser(db(), { username: unique('tok') });
      const hash = sha256(unique('secret'));
      const token = await createToken(
        db(),
        { userId: user.id, name: 'ci', kind: 'api', tokenHash: hash, prefix: 'drv_ab12', expires: 5000 },
        { now: 1000 },
      );
      expect(await findTokenByHash(db(), hash)).toEqual(token);
      expect(token).toMatchObject({ createdOn: 1000, revoked: false, lastUsed: null });
      await expect(
        createToken(db(), { userId: user.id, name: 'dup', kind: 'api', tokenHash: hash, prefix: 'x' }),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(
        createToken(db(), {
          userId: user.id,
          name: 'bad',
          kind: 'root' as never,
          tokenHash: sha256('x'),
          prefix: 'x',
        }),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(
        createToken(db(), { userId: user.id, name: 'bad', kind: 'api', tokenHash: 'plaintext', prefix: 'x' }),
      ).rejects.toThrow(/SHA-256/);
      await touchToken(db(), token.id, 2000);
      expect(await revokeToken(db(), token.id)).toBe(true);
      expect(await findTokenByHash(db(), hash)).toMatchObject({ lastUsed: 2000, revoked: true });
      expect((await listTokens(db(), { userId: user.id, kind: 'api' })).map((t) => t.id)).toEqual([token.id]);
      expect(await deleteExpiredTokens(db(), 4000)).toBe(0);
      expect(await deleteExpiredTokens(db(), 6000)).toBeGreaterThanOrEqual(1);
      const second = await createToken(db(), {
        userId: user.id,
        name: 's',
        kind: 'session',
        tokenHash: sha256(unique('s')),
        prefix: '',
      });
      expect(await deleteUser(db(), user.id)).toBe(true);
      expect(await findTokenByHash(db(), second.tokenHash)).toBeUndefined();
      expect(await findUser(db(), user.id)).toBeUndefined();
    });
  });
});

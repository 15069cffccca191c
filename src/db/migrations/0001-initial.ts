/**
 * The complete data model of PyFarm's `pyfarm.models` (spec §2), plus what Drover adds: API tokens, the
 * agent's per-registration secret and the token that registered it, and the project an agent may be
 * dedicated to. Column names follow PyFarm so that the seed's REST payloads map one to one.
 *
 * Delete rules: removing an agent keeps its tasks (agent_id → NULL) but drops what only describes the agent;
 * removing a job removes its tasks and every association; a job type version, a queue or a software version
 * that is still referenced cannot be removed (the API answers 409).
 */
import type { Kysely, Migration } from 'kysely';
import { schemaHelpers, type MigrationContext } from './migration-context.js';

export function initialMigration(ctx: MigrationContext): Migration {
  const { types: t, createTable, withId } = schemaHelpers(ctx);
  const ix = ctx.index;

  return {
    async up(db: Kysely<unknown>) {
      // --- users, roles, tokens -------------------------------------------------------------------
      await withId(createTable(db, 'users'))
        .addColumn('active', t.bool, (c) => c.notNull().defaultTo(true))
        .addColumn('username', 'varchar(255)', (c) => c.notNull().unique())
        // scrypt hash in PHC-like form; NULL for users created implicitly (they cannot log in).
        .addColumn('password', 'varchar(255)')
        .addColumn('email', 'varchar(255)', (c) => c.unique())
        .addColumn('expiration', t.time)
        .addColumn('onetime_code', 'varchar(255)')
        .addColumn('last_login', t.time)
        .execute();

      await withId(createTable(db, 'roles'))
        .addColumn('active', t.bool, (c) => c.notNull().defaultTo(true))
        .addColumn('name', 'varchar(128)', (c) => c.notNull().unique())
        .addColumn('expiration', t.time)
        .addColumn('description', t.text)
        .execute();

      await createTable(db, 'user_roles')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('role_id', 'integer', (c) => c.notNull().references('roles.id').onDelete('cascade'))
        .addPrimaryKeyConstraint(ix('user_roles_pk'), ['user_id', 'role_id'])
        .execute();

      // Bearer tokens (kind "api"), browser sessions (kind "session") and agent tokens (kind "agent").
      // Only a SHA-256 of the token is stored; `prefix` identifies a token in listings.
      await withId(createTable(db, 'api_tokens'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('token_hash', 'char(64)', (c) => c.notNull().unique())
        .addColumn('prefix', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_on', t.time, (c) => c.notNull())
        .addColumn('last_used', t.time)
        .addColumn('expires', t.time)
        .addColumn('revoked', t.bool, (c) => c.notNull().defaultTo(false))
        .execute();

      // --- software and tags ------------------------------------------------------------------------
      await withId(createTable(db, 'software'))
        .addColumn('software', 'varchar(64)', (c) => c.notNull().unique())
        .execute();

      await withId(createTable(db, 'software_versions'))
        .addColumn('software_id', 'integer', (c) => c.notNull().references('software.id').onDelete('cascade'))
        .addColumn('version', 'varchar(64)', (c) => c.notNull().defaultTo('any'))
        .addColumn('rank', 'integer', (c) => c.notNull())
        .addColumn('default', t.bool, (c) => c.notNull().defaultTo(false))
        .addColumn('discovery_code', t.longText)
        .addColumn('discovery_function_name', 'varchar(255)')
        .addUniqueConstraint(ix('software_versions_version_uq'), ['software_id', 'version'])
        .addUniqueConstraint(ix('software_versions_rank_uq'), ['software_id', 'rank'])
        .execute();

      await withId(createTable(db, 'tags'))
        .addColumn('tag', 'varchar(64)', (c) => c.notNull().unique())
        .execute();

      // --- agents -----------------------------------------------------------------------------------
      await createTable(db, 'agents')
        .addColumn('id', t.uuid, (c) => c.primaryKey())
        .addColumn('hostname', 'varchar(255)', (c) => c.notNull())
        .addColumn('notes', t.text, (c) => c.notNull().defaultTo(''))
        .addColumn('remote_ip', 'varchar(45)')
        .addColumn('use_address', 'integer', (c) => c.notNull().defaultTo(311))
        .addColumn('os_class', 'integer')
        .addColumn('os_fullname', 'varchar(128)')
        .addColumn('cpu_name', 'varchar(128)')
        .addColumn('ram', 'integer', (c) => c.notNull())
        .addColumn('free_ram', 'integer', (c) => c.notNull())
        .addColumn('cpus', 'integer', (c) => c.notNull())
        .addColumn('port', 'integer', (c) => c.notNull())
        .addColumn('time_offset', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('version', 'varchar(16)')
        .addColumn('upgrade_to', 'varchar(16)')
        .addColumn('restart_requested', t.bool, (c) => c.notNull().defaultTo(false))
        .addColumn('state', 'integer', (c) => c.notNull().defaultTo(202))
        .addColumn('last_heard_from', t.time)
        .addColumn('last_success_on', t.time)
        .addColumn('last_polled', t.time)
        .addColumn('ram_allocation', t.float, (c) => c.notNull().defaultTo(0.8))
        .addColumn('cpu_allocation', t.float, (c) => c.notNull().defaultTo(1.0))
        // Drover: JSON list of projects this agent is dedicated to (`--projects`); NULL = any job.
        .addColumn('projects', t.text)
        // Drover: the secret the master presents to this agent's API, renewed at every registration.
        .addColumn('api_secret', 'varchar(128)')
        // Drover: the agent token that registered this agent; only that token may speak for it.
        .addColumn('token_id', 'integer', (c) => c.references('api_tokens.id').onDelete('set null'))
        .addUniqueConstraint(ix('agents_host_port_id_uq'), ['hostname', 'port', 'id'])
        .execute();
      await db.schema.createIndex(ix('agents_state')).on('agents').column('state').execute();

      await createTable(db, 'agent_software_version_associations')
        .addColumn('agent_id', t.uuid, (c) => c.notNull().references('agents.id').onDelete('cascade'))
        .addColumn('software_version_id', 'integer', (c) =>
          c.notNull().references('software_versions.id').onDelete('cascade'),
        )
        .addPrimaryKeyConstraint(ix('agent_software_pk'), ['agent_id', 'software_version_id'])
        .execute();

      await createTable(db, 'agent_tag_associations')
        .addColumn('agent_id', t.uuid, (c) => c.notNull().references('agents.id').onDelete('cascade'))
        .addColumn('tag_id', 'integer', (c) => c.notNull().references('tags.id').onDelete('cascade'))
        .addPrimaryKeyConstraint(ix('agent_tags_pk'), ['agent_id', 'tag_id'])
        .execute();

      // MACs are stored as lowercase `aa:bb:cc:dd:ee:ff` (PyFarm stored a 48-bit integer).
      await createTable(db, 'agent_mac_addresses')
        .addColumn('agent_id', t.uuid, (c) => c.notNull().references('agents.id').onDelete('cascade'))
        .addColumn('mac_address', 'char(17)', (c) => c.notNull())
        .addPrimaryKeyConstraint(ix('agent_macs_pk'), ['agent_id', 'mac_address'])
        .execute();

      await withId(createTable(db, 'gpus'))
        .addColumn('fullname', 'varchar(128)', (c) => c.notNull().unique())
        .execute();

      await createTable(db, 'gpu_agent_associations')
        .addColumn('gpu_id', 'integer', (c) => c.notNull().references('gpus.id').onDelete('cascade'))
        .addColumn('agent_id', t.uuid, (c) => c.notNull().references('agents.id').onDelete('cascade'))
        .addPrimaryKeyConstraint(ix('agent_gpus_pk'), ['gpu_id', 'agent_id'])
        .execute();

      await withId(createTable(db, 'agent_disks'))
        .addColumn('agent_id', t.uuid, (c) => c.notNull().references('agents.id').onDelete('cascade'))
        .addColumn('mountpoint', 'varchar(255)', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('free', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex(ix('agent_disks_agent')).on('agent_disks').column('agent_id').execute();

      // --- job types --------------------------------------------------------------------------------
      await withId(createTable(db, 'jobtypes'), true)
        .addColumn('name', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('description', t.text)
        .addColumn('success_subject', t.text)
        .addColumn('success_body', t.text)
        .addColumn('fail_subject', t.text)
        .addColumn('fail_body', t.text)
        .execute();

      await withId(createTable(db, 'jobtype_versions'), true)
        .addColumn('jobtype_id', t.bigRef, (c) => c.notNull().references('jobtypes.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        // NULL = no limit.
        .addColumn('max_batch', 'integer', (c) => c.defaultTo(1))
        .addColumn('batch_contiguous', t.bool, (c) => c.notNull().defaultTo(true))
        .addColumn('no_automatic_start_time', t.bool, (c) => c.notNull().defaultTo(false))
        .addColumn('supports_tiling', t.bool, (c) => c.notNull().defaultTo(false))
        .addColumn('classname', 'varchar(64)')
        .addColumn('code', t.longText, (c) => c.notNull())
        .addUniqueConstraint(ix('jobtype_versions_uq'), ['jobtype_id', 'version'])
        .execute();

      await createTable(db, 'jobtype_software_requirements')
        .addColumn('jobtype_version_id', t.bigRef, (c) =>
          c.notNull().references('jobtype_versions.id').onDelete('cascade'),
        )
        .addColumn('software_id', 'integer', (c) => c.notNull().references('software.id').onDelete('cascade'))
        .addColumn('min_version_id', 'integer', (c) => c.references('software_versions.id'))
        .addColumn('max_version_id', 'integer', (c) => c.references('software_versions.id'))
        .addPrimaryKeyConstraint(ix('jobtype_software_pk'), ['software_id', 'jobtype_version_id'])
        .execute();

      // --- queues and groups ------------------------------------------------------------------------
      await withId(createTable(db, 'job_queues'), true)
        .addColumn('parent_jobqueue_id', t.bigRef, (c) => c.references('job_queues.id'))
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('minimum_agents', 'integer')
        .addColumn('maximum_agents', 'integer')
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('weight', 'integer', (c) => c.notNull().defaultTo(10))
        // "/a/b", a cache of the path through the parents. Not a unique index: MySQL cannot index 1024
        // utf8mb4 characters, and (parent, name) already is unique below the top level; top-level names are
        // checked by the repository inside the creating transaction.
        .addColumn('fullpath', 'varchar(1024)', (c) => c.notNull())
        .addUniqueConstraint(ix('job_queues_parent_name_uq'), ['parent_jobqueue_id', 'name'])
        .execute();

      await withId(createTable(db, 'job_groups'), true)
        .addColumn('title', 'varchar(255)', (c) => c.notNull())
        .addColumn('main_jobtype_id', t.bigRef, (c) => c.notNull().references('jobtypes.id'))
        .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        .execute();

      // --- jobs -------------------------------------------------------------------------------------
      await withId(createTable(db, 'jobs'), true)
        // NULL = queued (there is no QUEUED member in WorkState).
        .addColumn('state', 'integer')
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('time_submitted', t.time, (c) => c.notNull())
        .addColumn('time_started', t.time)
        .addColumn('time_finished', t.time)
        .addColumn('jobtype_version_id', t.bigRef, (c) => c.notNull().references('jobtype_versions.id'))
        .addColumn('job_queue_id', t.bigRef, (c) => c.references('job_queues.id'))
        .addColumn('job_group_id', t.bigRef, (c) => c.references('job_groups.id'))
        .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
        // NULL or 0 = no limit.
        .addColumn('minimum_agents', 'integer')
        .addColumn('maximum_agents', 'integer')
        .addColumn('weight', 'integer', (c) => c.notNull().defaultTo(10))
        .addColumn('title', 'varchar(255)', (c) => c.notNull())
        .addColumn('notes', t.text, (c) => c.notNull().defaultTo(''))
        .addColumn('output_link', 'varchar(4096)')
        .addColumn('by', t.decimal, (c) => c.notNull().defaultTo(1))
        .addColumn('num_tiles', 'integer')
        .addColumn('batch', 'integer', (c) => c.notNull().defaultTo(1))
        // 0 = never requeue, -1 = requeue forever, N = N retries.
        .addColumn('requeue', 'integer', (c) => c.notNull().defaultTo(3))
        // 0 = no minimum, -1 = the whole agent.
        .addColumn('cpus', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('ram', 'integer', (c) => c.notNull().defaultTo(32))
        .addColumn('ram_warning', 'integer')
        .addColumn('ram_max', 'integer')
        .addColumn('hidden', t.bool, (c) => c.notNull().defaultTo(false))
        .addColumn('environ', t.longText)
        .addColumn('data', t.longText)
        .addColumn('to_be_deleted', t.bool, (c) => c.notNull().defaultTo(false))
        .addColumn('completion_notify_sent', t.bool, (c) => c.notNull().defaultTo(false))
        // Seconds after finishing; NULL = never.
        .addColumn('autodelete_time', 'integer')
        // Drover: the project this job belongs to, matched against agents' `projects`.
        .addColumn('project', 'varchar(255)')
        .execute();
      await db.schema.createIndex(ix('jobs_state')).on('jobs').column('state').execute();
      await db.schema.createIndex(ix('jobs_queue')).on('jobs').column('job_queue_id').execute();
      await db.schema.createIndex(ix('jobs_group')).on('jobs').column('job_group_id').execute();
      await db.schema.createIndex(ix('jobs_user')).on('jobs').column('user_id').execute();
      await db.schema.createIndex(ix('jobs_submitted')).on('jobs').column('time_submitted').execute();
      await db.schema
        .createIndex(ix('jobs_jobtype_version'))
        .on('jobs')
        .column('jobtype_version_id')
        .execute();

      await createTable(db, 'job_dependencies')
        .addColumn('parentid', t.bigRef, (c) => c.notNull().references('jobs.id').onDelete('cascade'))
        .addColumn('childid', t.bigRef, (c) => c.notNull().references('jobs.id').onDelete('cascade'))
        .addPrimaryKeyConstraint(ix('job_dependencies_pk'), ['parentid', 'childid'])
        .execute();
      await db.schema
        .createIndex(ix('job_dependencies_child'))
        .on('job_dependencies')
        .column('childid')
        .execute();

      await createTable(db, 'job_tag_associations')
        .addColumn('job_id', t.bigRef, (c) => c.notNull().references('jobs.id').onDelete('cascade'))
        .addColumn('tag_id', 'integer', (c) => c.notNull().references('tags.id').onDelete('cascade'))
        .addPrimaryKeyConstraint(ix('job_tags_pk'), ['job_id', 'tag_id'])
        .execute();

      await withId(createTable(db, 'job_tag_requirements'))
        .addColumn('job_id', t.bigRef, (c) => c.notNull().references('jobs.id').onDelete('cascade'))
        .addColumn('tag_id', 'integer', (c) => c.notNull().references('tags.id').onDelete('cascade'))
        .addColumn('negate', t.bool, (c) => c.notNull().defaultTo(false))
        .addUniqueConstraint(ix('job_tag_requirements_uq'), ['tag_id', 'job_id'])
        .execute();
      await db.schema
        .createIndex(ix('job_tag_requirements_job'))
        .on('job_tag_requirements')
        .column('job_id')
        .execute();

      await createTable(db, 'job_software_requirements')
        .addColumn('job_id', t.bigRef, (c) => c.notNull().references('jobs.id').onDelete('cascade'))
        .addColumn('software_id', 'integer', (c) => c.notNull().references('software.id').onDelete('cascade'))
        .addColumn('min_version_id', 'integer', (c) => c.references('software_versions.id'))
        .addColumn('max_version_id', 'integer', (c) => c.references('software_versions.id'))
        .addPrimaryKeyConstraint(ix('job_software_pk'), ['software_id', 'job_id'])
        .execute();
      await db.schema
        .createIndex(ix('job_software_requirements_job'))
        .on('job_software_requirements')
        .column('job_id')
        .execute();

      await createTable(db, 'notified_users')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('job_id', t.bigRef, (c) => c.notNull().references('jobs.id').onDelete('cascade'))
        .addColumn('on_success', t.bool, (c) => c.notNull().defaultTo(true))
        .addColumn('on_failure', t.bool, (c) => c.notNull().defaultTo(true))
        .addColumn('on_deletion', t.bool, (c) => c.notNull().defaultTo(false))
        .addPrimaryKeyConstraint(ix('notified_users_pk'), ['user_id', 'job_id'])
        .execute();
      await db.schema.createIndex(ix('notified_users_job')).on('notified_users').column('job_id').execute();

      // --- tasks ------------------------------------------------------------------------------------
      await withId(createTable(db, 'tasks'), true)
        // NULL = queued (no agent) or assigned (agent set, not yet running).
        .addColumn('state', 'integer')
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('time_submitted', t.time, (c) => c.notNull())
        .addColumn('time_started', t.time)
        .addColumn('time_finished', t.time)
        .addColumn('agent_id', t.uuid, (c) => c.references('agents.id').onDelete('set null'))
        .addColumn('job_id', t.bigRef, (c) => c.notNull().references('jobs.id').onDelete('cascade'))
        .addColumn('hidden', t.bool, (c) => c.notNull().defaultTo(false))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('frame', t.decimal, (c) => c.notNull())
        .addColumn('tile', 'integer')
        .addColumn('last_error', t.longText)
        .addColumn('sent_to_agent', t.bool, (c) => c.notNull().defaultTo(false))
        .addColumn('progress', t.float, (c) => c.notNull().defaultTo(0))
        .execute();
      // The scheduler reads a job's open tasks in frame order and an agent's current tasks.
      await db.schema
        .createIndex(ix('tasks_job_frame'))
        .on('tasks')
        .columns(['job_id', 'frame', 'tile'])
        .execute();
      await db.schema.createIndex(ix('tasks_agent')).on('tasks').column('agent_id').execute();
      await db.schema.createIndex(ix('tasks_state')).on('tasks').columns(['state', 'job_id']).execute();

      await createTable(db, 'failed_tasks_in_agents')
        .addColumn('task_id', t.bigRef, (c) => c.notNull().references('tasks.id').onDelete('cascade'))
        .addColumn('agent_id', t.uuid, (c) => c.notNull().references('agents.id').onDelete('cascade'))
        .addPrimaryKeyConstraint(ix('failed_tasks_pk'), ['task_id', 'agent_id'])
        .execute();
      await db.schema
        .createIndex(ix('failed_tasks_agent'))
        .on('failed_tasks_in_agents')
        .column('agent_id')
        .execute();

      // --- path maps and task logs ------------------------------------------------------------------
      await withId(createTable(db, 'path_maps'))
        .addColumn('path_linux', 'varchar(512)', (c) => c.notNull())
        .addColumn('path_windows', 'varchar(512)', (c) => c.notNull())
        .addColumn('path_osx', 'varchar(512)', (c) => c.notNull())
        // NULL = applies to every agent (a tagged map wins over it).
        .addColumn('tag_id', 'integer', (c) => c.references('tags.id').onDelete('cascade'))
        .execute();

      await withId(createTable(db, 'task_logs'))
        .addColumn('identifier', 'varchar(255)', (c) => c.notNull().unique())
        .addColumn('agent_id', t.uuid, (c) => c.references('agents.id').onDelete('set null'))
        .addColumn('created_on', t.time, (c) => c.notNull())
        .execute();

      await createTable(db, 'task_log_associations')
        .addColumn('task_log_id', 'integer', (c) =>
          c.notNull().references('task_logs.id').onDelete('cascade'),
        )
        .addColumn('task_id', t.bigRef, (c) => c.notNull().references('tasks.id').onDelete('cascade'))
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('state', 'integer')
        .addPrimaryKeyConstraint(ix('task_log_associations_pk'), ['task_log_id', 'task_id', 'attempt'])
        .execute();
      await db.schema
        .createIndex(ix('task_log_associations_task'))
        .on('task_log_associations')
        .columns(['task_id', 'attempt'])
        .execute();
    },

    async down(db: Kysely<unknown>) {
      for (const table of [
        'task_log_associations',
        'task_logs',
        'path_maps',
        'failed_tasks_in_agents',
        'tasks',
        'notified_users',
        'job_software_requirements',
        'job_tag_requirements',
        'job_tag_associations',
        'job_dependencies',
        'jobs',
        'job_groups',
        'job_queues',
        'jobtype_software_requirements',
        'jobtype_versions',
        'jobtypes',
        'agent_disks',
        'gpu_agent_associations',
        'gpus',
        'agent_mac_addresses',
        'agent_tag_associations',
        'agent_software_version_associations',
        'agents',
        'tags',
        'software_versions',
        'software',
        'api_tokens',
        'user_roles',
        'roles',
        'users',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}

/**
 * /api/v1/jobgroups: job groups and the jobs in them. Wranglers manage every group; artists create
 * their own and change or delete only those.
 */
import Type from 'typebox';
import { errors } from '../../api/schemas/common.js';
import {
  CreateJobGroupBody,
  JobGroupJobs,
  JobGroupParams,
  JobGroupSummary,
  JobGroupView,
  UpdateJobGroupBody,
} from '../../api/schemas/jobgroups.js';
import { TableSchema } from '../../api/schemas/table-schema.js';
import type { MasterContext } from '../context.js';
import type { MasterApp } from '../http/app.js';
import {
  changeGroup,
  createGroup,
  getJobGroupDetail,
  listGroupJobs,
  listNamedJobGroups,
  removeGroup,
} from './job-group.service.js';
import { groupJobView, JOBGROUP_COLUMNS, jobGroupSummary, jobGroupView } from './job-group.view.js';

const tags = ['jobgroups'];
const owners = { access: { roles: ['wrangler', 'artist'] as const } };

export function jobGroupRoutes(ctx: MasterContext) {
  return (app: MasterApp) => {
    app.get(
      '/jobgroups/',
      {
        schema: {
          tags,
          summary: 'List job groups',
          response: { 200: Type.Array(JobGroupSummary), ...errors },
        },
      },
      async () => (await listNamedJobGroups(ctx.db)).map(jobGroupSummary),
    );
    app.post(
      '/jobgroups/',
      {
        config: owners,
        schema: {
          tags,
          summary: 'Create a job group (owner: the caller unless a wrangler names one)',
          body: CreateJobGroupBody,
          response: { 201: JobGroupView, ...errors },
        },
      },
      async (req, reply) =>
        reply.status(201).send(jobGroupView(await createGroup(ctx, req.principal!, req.body))),
    );
    app.get(
      '/jobgroups/schema',
      { schema: { tags, summary: 'The columns of a job group', response: { 200: TableSchema, ...errors } } },
      async () => JOBGROUP_COLUMNS,
    );
    app.get(
      '/jobgroups/:group',
      {
        schema: {
          tags,
          summary: 'One job group',
          params: JobGroupParams,
          response: { 200: JobGroupView, ...errors },
        },
      },
      async (req) => jobGroupView(await getJobGroupDetail(ctx.db, req.params.group)),
    );
    app.post(
      '/jobgroups/:group',
      {
        config: owners,
        schema: {
          tags,
          summary: 'Change a job group (given fields only)',
          params: JobGroupParams,
          body: UpdateJobGroupBody,
          response: { 200: JobGroupView, ...errors },
        },
      },
      async (req) => jobGroupView(await changeGroup(ctx, req.principal!, req.params.group, req.body)),
    );
    app.delete(
      '/jobgroups/:group',
      {
        config: owners,
        schema: {
          tags,
          summary: 'Delete an empty job group (204 also when unknown)',
          params: JobGroupParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, reply) => {
        await removeGroup(ctx, req.principal!, req.params.group);
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/jobgroups/:group/jobs',
      {
        schema: {
          tags,
          summary: 'The jobs of a group with their task counts',
          params: JobGroupParams,
          response: { 200: JobGroupJobs, ...errors },
        },
      },
      async (req) => ({ jobs: (await listGroupJobs(ctx.db, req.params.group)).map(groupJobView) }),
    );
  };
}

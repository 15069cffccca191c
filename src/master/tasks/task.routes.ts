/**
 * /api/v1/jobs/<x>/tasks: a job's tasks, one task (GET, and POST — the agents' reports), the per-task
 * rerun and the per-task blacklist `failed_on_agents`.
 */
import Type from 'typebox';
import { errors, IdOrName } from '../../api/schemas/common.js';
import {
  AgentReferenceView,
  FailedOnAgentBody,
  FailedOnAgentParams,
  TaskDetailView,
  TaskListQuery,
  TaskParams,
  TaskView,
  UpdateTaskBody,
} from '../../api/schemas/tasks.js';
import { findAgent } from '../../db/agents/agent.repository.js';
import { listAgentsTaskFailedOn } from '../../db/tasks/failed-task.repository.js';
import { countTasksOfJob, listTasksOfJob } from '../../db/tasks/job-tasks.repository.js';
import type { Task } from '../../db/tasks/task.repository.js';
import type { TaskAgent } from './task.view.js';
import type { MasterContext } from '../context.js';
import type { MasterApp } from '../http/app.js';
import { getJobByKey } from '../jobs/job-lookup.js';
import { addFailedOnAgent, deleteFailedOnAgent } from './failed-on-agents.service.js';
import { getJobTask, reportTask } from './task-report.service.js';
import { rerunTask } from './task-rerun.service.js';
import { taskDetailView, taskView } from './task.view.js';

const tags = ['tasks'];
const DEFAULT_PER_PAGE = 1000;

export function taskRoutes(ctx: MasterContext) {
  const detail = async (job: { id: number; title: string }, task: Task, agent?: TaskAgent) =>
    taskDetailView(
      task,
      job,
      agent ?? (task.agentId === null ? undefined : await findAgent(ctx.db, task.agentId)),
    );

  return (app: MasterApp) => {
    app.get(
      '/jobs/:job/tasks/',
      {
        schema: {
          tags,
          summary: "A job's tasks by frame (all, or one page with ?page/per_page and X-Total-Count)",
          params: Type.Object({ job: IdOrName }),
          querystring: TaskListQuery,
          response: { 200: Type.Array(TaskView), ...errors },
        },
      },
      async (req, reply) => {
        const job = await getJobByKey(ctx.db, req.params.job);
        const { page, per_page: perPage } = req.query;
        if (page === undefined && perPage === undefined) {
          return (await listTasksOfJob(ctx.db, job.id)).map(taskView);
        }
        const limit = perPage ?? DEFAULT_PER_PAGE;
        const tasks = await listTasksOfJob(ctx.db, job.id, { limit, offset: ((page ?? 1) - 1) * limit });
        reply.header('x-total-count', String(await countTasksOfJob(ctx.db, job.id)));
        return tasks.map(taskView);
      },
    );

    app.get(
      '/jobs/:job/tasks/:task',
      {
        schema: {
          tags,
          summary: 'One task of the job, with its job and agent',
          params: TaskParams,
          response: { 200: TaskDetailView, ...errors },
        },
      },
      async (req) => {
        const { job, task, agent } = await getJobTask(ctx.db, req.params.job, req.params.task);
        return detail(job, task, agent);
      },
    );

    app.post(
      '/jobs/:job/tasks/:task',
      {
        // Agents report on their tasks, artists adjust tasks of their own jobs: the service decides.
        config: { access: { roles: ['wrangler', 'artist', 'agent'] } },
        schema: {
          tags,
          summary: 'Report on a task (state, progress, start time) or change it',
          params: TaskParams,
          body: UpdateTaskBody,
          response: { 200: TaskDetailView, ...errors },
        },
      },
      async (req) => {
        const { job, task, agent } = await reportTask(
          ctx,
          req.principal!,
          req.params.job,
          req.params.task,
          req.body,
        );
        return detail(job, task, agent);
      },
    );

    app.post(
      '/jobs/:job/tasks/:task/rerun',
      {
        config: { access: { roles: ['wrangler', 'artist'] } },
        schema: {
          tags,
          summary: 'Rerun one task (refused while it runs)',
          params: TaskParams,
          response: { 200: TaskDetailView, ...errors },
        },
      },
      async (req) => {
        const { job, task } = await rerunTask(ctx, req.principal!, req.params.job, req.params.task);
        return detail(job, task);
      },
    );

    app.get(
      '/jobs/:job/tasks/:task/failed_on_agents/',
      {
        schema: {
          tags,
          summary: 'The agents this task failed on (it is not given to them again)',
          params: TaskParams,
          response: { 200: Type.Array(AgentReferenceView), ...errors },
        },
      },
      async (req) => {
        const { task } = await getJobTask(ctx.db, req.params.job, req.params.task);
        return listAgentsTaskFailedOn(ctx.db, task.id);
      },
    );

    app.post(
      '/jobs/:job/tasks/:task/failed_on_agents/',
      {
        config: { access: { roles: ['wrangler', 'artist', 'agent'] } },
        schema: {
          tags,
          summary: 'Keep the task away from an agent',
          params: TaskParams,
          body: FailedOnAgentBody,
          response: { 201: AgentReferenceView, ...errors },
        },
      },
      async (req, reply) => {
        const agent = await addFailedOnAgent(
          ctx,
          req.principal!,
          req.params.job,
          req.params.task,
          req.body.id,
        );
        return reply.status(201).send({ id: agent.id, hostname: agent.hostname });
      },
    );

    app.delete(
      '/jobs/:job/tasks/:task/failed_on_agents/:agent',
      {
        config: { access: { roles: ['wrangler', 'artist'] } },
        schema: {
          tags,
          summary: 'Let the task go to an agent it failed on again',
          params: FailedOnAgentParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, reply) => {
        await deleteFailedOnAgent(ctx, req.principal!, req.params.job, req.params.task, req.params.agent);
        return reply.status(204).send(null);
      },
    );
  };
}

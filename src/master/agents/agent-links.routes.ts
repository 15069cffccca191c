/**
 * `/agents/<id>/software/` — the software versions an agent has (the agent reports them after checking;
 * wranglers may correct them) — and `/agents/<id>/tasks/` — the tasks the database gives an agent, and
 * assigning one by hand.
 */
import Type from 'typebox';
import {
  AgentParams,
  AgentSoftwareBody,
  AgentSoftwareParams,
  AgentSoftwareView,
  AgentTaskView,
  AssignedTaskView,
  AssignTaskBody,
} from '../../api/schemas/agents.js';
import { errors } from '../../api/schemas/common.js';
import { listAgentSoftwareVersions } from '../../db/agents/agent-associations.repository.js';
import { listTaskJobSummaries } from '../../db/agents/agent-tasks.repository.js';
import { getAgent } from '../../db/agents/agent.repository.js';
import { listTasks } from '../../db/tasks/task.repository.js';
import type { MasterContext } from '../context.js';
import type { MasterApp } from '../http/app.js';
import { addSoftwareToAgent, assignTaskToAgent, removeSoftwareFromAgent } from './agent-admin.service.js';
import { agentCallerOf } from './agent-caller.js';
import { agentSoftwareView, agentSummaryView, agentTaskView } from './agent.view.js';

const tags = ['agents'];

export function agentLinkRoutes(ctx: MasterContext) {
  return async (app: MasterApp) => {
    app.get(
      '/agents/:agent_id/software/',
      {
        schema: {
          tags,
          summary: 'The software versions an agent has',
          params: AgentParams,
          response: { 200: Type.Array(AgentSoftwareView), ...errors },
        },
      },
      async (req) => {
        const agent = await getAgent(ctx.db, req.params.agent_id);
        return (await listAgentSoftwareVersions(ctx.db, agent.id)).map(agentSoftwareView);
      },
    );

    app.post(
      '/agents/:agent_id/software/',
      {
        config: { access: { roles: ['agent', 'wrangler'] } },
        schema: {
          tags,
          summary: 'Mark a software version as present on an agent',
          params: AgentParams,
          body: AgentSoftwareBody,
          response: { 200: AgentSoftwareView, ...errors },
        },
      },
      async (req) => addSoftwareToAgent(ctx, agentCallerOf(req.principal), req.params.agent_id, req.body),
    );

    app.delete(
      '/agents/:agent_id/software/:software/versions/:version',
      {
        config: { access: { roles: ['agent', 'wrangler'] } },
        schema: {
          tags,
          summary: 'Remove a software version from an agent (fine when it was not there)',
          params: AgentSoftwareParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, reply) => {
        const { agent_id, software, version } = req.params;
        await removeSoftwareFromAgent(ctx, agentCallerOf(req.principal), agent_id, { software, version });
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/agents/:agent_id/tasks/',
      {
        schema: {
          tags,
          summary: 'The tasks the database gives an agent, with their jobs',
          params: AgentParams,
          response: { 200: Type.Array(AgentTaskView), ...errors },
        },
      },
      async (req) => {
        const agent = await getAgent(ctx.db, req.params.agent_id);
        const tasks = await listTasks(ctx.db, { agentId: agent.id });
        const jobs = await listTaskJobSummaries(
          ctx.db,
          tasks.map((t) => t.jobId),
        );
        return tasks.flatMap((task) => {
          const job = jobs.get(task.jobId);
          return job ? [agentTaskView(task, job)] : [];
        });
      },
    );

    app.post(
      '/agents/:agent_id/tasks/',
      {
        config: { access: { roles: ['wrangler'] } },
        schema: {
          tags,
          summary: 'Assign a task to an agent by hand (the dispatcher sends it)',
          params: AgentParams,
          body: AssignTaskBody,
          response: { 200: AssignedTaskView, ...errors },
        },
      },
      async (req) => {
        const { task, agent } = await assignTaskToAgent(ctx, req.params.agent_id, req.body.id);
        const job = (await listTaskJobSummaries(ctx.db, [task.jobId])).get(task.jobId)!;
        return { ...agentTaskView(task, job), agent: agentSummaryView(agent) };
      },
    );
  };
}

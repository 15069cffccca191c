/**
 * `/agents/`: the index (the seed's filters, plus paging, sorting and state/tag/version filters for the web
 * UI), registration, one agent (read, partial update / re-announce, delete), the admin actions and the
 * column schema. The agent's software, tasks and update packages are in sibling route files.
 */
import Type from 'typebox';
import {
  AgentDetailView,
  AgentIndexQuery,
  AgentIndexResponse,
  AgentParams,
  AgentView,
  RegisterAgentBody,
  UpdateAgentBody,
} from '../../api/schemas/agents.js';
import { errors } from '../../api/schemas/common.js';
import { TableSchema } from '../../api/schemas/table-schema.js';
import { NotFoundError } from '../../core/errors.js';
import { AgentState } from '../../core/enums.js';
import {
  listAgentDisks,
  listAgentGpus,
  listAgentMacAddresses,
  listAgentSoftwareVersions,
  listAgentTags,
  listTagsOfAgents,
} from '../../db/agents/agent-associations.repository.js';
import {
  listAgentAddresses,
  listAgentPage,
  type AgentListFilter,
} from '../../db/agents/agent-listing.repository.js';
import { countAgentsByState, findAgent } from '../../db/agents/agent.repository.js';
import { checkHostname } from '../../db/rules/agent-rules.js';
import { invalid } from '../../db/rules/field-rules.js';
import type { MasterContext } from '../context.js';
import type { MasterApp } from '../http/app.js';
import { applyAgentAction, removeAgent, type AgentAction } from './agent-admin.service.js';
import { agentCallerOf } from './agent-caller.js';
import { registerAgent, updateAgentRecord } from './agent-report.service.js';
import { agentColumnTypes, agentDetailView, agentSummaryView, agentView } from './agent.view.js';
import { agentLinkRoutes } from './agent-links.routes.js';
import { agentUpdateRoutes } from './agent-updates.routes.js';

const tags = ['agents'];
const managers = { roles: ['wrangler'] } as const;

export function agentRoutes(ctx: MasterContext) {
  return async (app: MasterApp) => {
    app.get(
      '/agents/schema',
      {
        schema: {
          tags,
          summary: 'The agent columns and their SQL types',
          response: { 200: TableSchema, ...errors },
        },
      },
      async () => agentColumnTypes(ctx.limits),
    );

    app.get(
      '/agents/',
      {
        schema: {
          tags,
          summary: 'List agents',
          description:
            'Without page/per_page: the seed’s list of {id, hostname, port, remote_ip}. With them: one page ' +
            'of full records sorted by order_by, the number of matches and the farm’s agents per state.',
          querystring: AgentIndexQuery,
          response: { 200: AgentIndexResponse, ...errors },
        },
      },
      async (req) => {
        const q = req.query;
        const filter = indexFilter(q, ctx);
        if (q.page === undefined && q.per_page === undefined) {
          return (await listAgentAddresses(ctx.db, filter)).map(agentSummaryView);
        }
        const page = q.page ?? 1;
        const perPage = q.per_page ?? 100;
        const [{ agents, total }, counts] = await Promise.all([
          listAgentPage(
            ctx.db,
            filter,
            { column: q.order_by ?? 'hostname', direction: q.order_dir ?? 'asc' },
            { page, perPage },
          ),
          countAgentsByState(ctx.db),
        ]);
        const tagsByAgent = await listTagsOfAgents(
          ctx.db,
          agents.map((a) => a.id),
        );
        return {
          agents: agents.map((a) =>
            agentView(
              a,
              (tagsByAgent.get(a.id) ?? []).map((t) => t.tag),
            ),
          ),
          total,
          page,
          per_page: perPage,
          counts: {
            disabled: counts[AgentState.values.DISABLED],
            offline: counts[AgentState.values.OFFLINE],
            online: counts[AgentState.values.ONLINE],
            running: counts[AgentState.values.RUNNING],
          },
        };
      },
    );

    app.post(
      '/agents/',
      {
        config: { access: { roles: ['agent'] } },
        schema: {
          tags,
          summary: 'Register an agent (create, or update by id)',
          description:
            'An agent token registers and owns its agents; remote_ip defaults to the request’s source ' +
            'address. 201 when created, 200 when an agent with this id existed.',
          body: RegisterAgentBody,
          response: { 200: AgentView, 201: AgentView, ...errors },
        },
      },
      async (req, reply) => {
        const result = await registerAgent(ctx, agentCallerOf(req.principal), req.body, req.ip);
        return reply.status(result.created ? 201 : 200).send(agentView(result.agent, result.tags));
      },
    );

    app.get(
      '/agents/:agent_id',
      {
        schema: {
          tags,
          summary: 'One agent with its inventory, tags and software',
          params: AgentParams,
          response: { 200: AgentDetailView, ...errors },
        },
      },
      async (req) => {
        const agent = await findAgent(ctx.db, req.params.agent_id);
        if (!agent) throw new NotFoundError('agent', req.params.agent_id);
        const [agentTags, macAddresses, gpus, disks, software] = await Promise.all([
          listAgentTags(ctx.db, agent.id),
          listAgentMacAddresses(ctx.db, agent.id),
          listAgentGpus(ctx.db, agent.id),
          listAgentDisks(ctx.db, agent.id),
          listAgentSoftwareVersions(ctx.db, agent.id),
        ]);
        return agentDetailView(agent, {
          tags: agentTags.map((t) => t.tag),
          macAddresses,
          gpus,
          disks,
          software,
        });
      },
    );

    app.post(
      '/agents/:agent_id',
      {
        config: { access: { roles: ['agent', 'wrangler'] } },
        schema: {
          tags,
          summary: 'Update an agent (partial), or re-announce',
          description:
            'The agent re-announces state, free_ram, disks and current_assignments; tasks the database ' +
            'gives it that it no longer holds are failed (if they were sent) and an agent going offline ' +
            'hands its unfinished tasks back. Wranglers set state (e.g. "disabled"), notes, tags and ' +
            'restart_requested; admins everything.',
          params: AgentParams,
          body: UpdateAgentBody,
          response: { 200: AgentView, ...errors },
        },
      },
      async (req) => {
        const result = await updateAgentRecord(
          ctx,
          agentCallerOf(req.principal),
          req.params.agent_id,
          req.body,
        );
        return agentView(result.agent, result.tags);
      },
    );

    app.delete(
      '/agents/:agent_id',
      {
        config: { access: managers },
        schema: {
          tags,
          summary: 'Delete an agent (its unfinished tasks go back to the queue)',
          params: AgentParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, reply) => {
        await removeAgent(ctx, req.params.agent_id);
        return reply.status(204).send(null);
      },
    );

    const actions: Record<AgentAction, string> = {
      disable: 'Disable an agent (its reports no longer change its state; nothing is assigned to it)',
      enable: 'Enable a disabled agent (it becomes offline until its next announce or poll)',
      restart: 'Ask an agent to restart when it is idle (restart_requested)',
    };
    for (const [action, summary] of Object.entries(actions) as [AgentAction, string][]) {
      app.post(
        `/agents/:agent_id/${action}`,
        {
          config: { access: managers },
          schema: { tags, summary, params: AgentParams, response: { 200: AgentView, ...errors } },
        },
        async (req) => {
          const result = await applyAgentAction(ctx, req.params.agent_id, action);
          return agentView(result.agent, result.tags);
        },
      );
    }

    await agentLinkRoutes(ctx)(app);
    await agentUpdateRoutes(ctx)(app);
  };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function indexFilter(q: AgentIndexQuery, ctx: MasterContext): AgentListFilter {
  const filter: AgentListFilter = {};
  if (q.min_ram !== undefined) filter.minRam = q.min_ram;
  if (q.max_ram !== undefined) filter.maxRam = q.max_ram;
  if (q.min_cpus !== undefined) filter.minCpus = q.min_cpus;
  if (q.max_cpus !== undefined) filter.maxCpus = q.max_cpus;
  if (q.hostname !== undefined) filter.hostname = checkHostname(q.hostname, ctx.limits);
  if (q.remote_ip !== undefined) {
    if (!IPV4.test(q.remote_ip)) throw invalid('remote_ip', q.remote_ip, 'must be an IPv4 address');
    filter.remoteIp = q.remote_ip;
  }
  if (q.port !== undefined) {
    if (q.port < 1 || q.port > 65535) throw invalid('port', q.port, 'must be between 1 and 65535');
    filter.port = q.port;
  }
  if (q.state !== undefined) filter.states = q.state.map((name) => AgentState.parse(name, 'state'));
  if (q.tag !== undefined) filter.tags = q.tag;
  if (q.version !== undefined) filter.versions = q.version;
  if (q.search !== undefined) filter.hostnameContains = q.search;
  return filter;
}

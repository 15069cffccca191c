/**
 * The agent page's extras (PyFarm's agent page had them):
 * - `GET /agents/<id>/task_logs?limit=10`: the logs the agent wrote lately, newest first, with the task,
 *   attempt and the state it reached;
 * - `POST /agents/<id>/check_software` (wranglers): asks the agent to run the discovery code of every software
 *   version that has one (the agent's `POST /api/v1/check_software`); the agent reports what it found through
 *   `/agents/<id>/software/`. Answers 202 with how many checks were requested and which requests failed.
 */
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { findAgent } from '../../db/agents/agent.repository.js';
import { listSoftware } from '../../db/software/software.repository.js';
import { listRecentTaskLogsOfAgent } from '../../db/tasklogs/task-log.repository.js';
import { masterUserAgent } from '../../api/agent-protocol/user-agent.js';
import { WorkState } from '../../core/enums.js';
import Type from 'typebox';
import {
  AgentActivityParams,
  AgentTaskLogsQuery,
  AgentTaskLogView,
  CheckSoftwareResult,
} from '../../api/schemas/agent-activity.js';
import { errors, isoTime } from '../../api/schemas/common.js';
import type { MasterContext } from '../context.js';
import type { MasterApp } from '../http/app.js';
import { agentApiUrl } from '../tasklogs/agent-api-url.js';

const tags = ['agents'];
const CHECK_TIMEOUT_MS = 5_000;

async function requireAgent(ctx: MasterContext, id: string) {
  const agent = await findAgent(ctx.db, id.toLowerCase()).catch(() => undefined);
  if (!agent) throw new NotFoundError('agent', id);
  return agent;
}

export function agentActivityRoutes(ctx: MasterContext) {
  return (app: MasterApp) => {
    app.get(
      '/agents/:agent_id/task_logs',
      {
        schema: {
          tags,
          summary: "The agent's latest task logs (newest first)",
          params: AgentActivityParams,
          querystring: AgentTaskLogsQuery,
          response: { 200: Type.Array(AgentTaskLogView), ...errors },
        },
      },
      async (req) => {
        const agent = await requireAgent(ctx, req.params.agent_id);
        const logs = await listRecentTaskLogsOfAgent(ctx.db, agent.id, req.query.limit);
        return logs.map((l) => ({
          identifier: l.identifier,
          created_on: isoTime(l.createdOn),
          job_id: l.jobId,
          job_title: l.jobTitle,
          task_id: l.taskId,
          frame: l.frame,
          tile: l.tile,
          attempt: l.attempt,
          state: l.state === null ? null : (WorkState.name(l.state) ?? null),
        }));
      },
    );

    app.post(
      '/agents/:agent_id/check_software',
      {
        config: { access: { roles: ['wrangler'] } },
        schema: {
          tags,
          summary: 'Ask the agent to check which known software versions it has',
          params: AgentActivityParams,
          response: { 202: CheckSoftwareResult, ...errors },
        },
      },
      async (req, reply) => {
        const agent = await requireAgent(ctx, req.params.agent_id);
        const base = agentApiUrl(ctx.config.agent_api_url_template, agent);
        if (!base) {
          throw new ValidationError(
            `agent ${agent.hostname} cannot be contacted by the master (use_address)`,
            {
              field: 'agent_id',
              value: agent.id,
            },
          );
        }
        const checks = (await listSoftware(ctx.db)).flatMap((s) =>
          s.versions
            .filter((v) => v.discoveryCode !== null)
            .map((v) => ({ software: s.software, version: v.version })),
        );
        const failed: { software: string; version: string; error: string }[] = [];
        await Promise.all(
          checks.map(async (check) => {
            try {
              const response = await fetch(`${base}/check_software`, {
                method: 'POST',
                headers: {
                  'content-type': 'application/json',
                  'user-agent': masterUserAgent(ctx.version),
                  ...(agent.apiSecret ? { authorization: `Bearer ${agent.apiSecret}` } : {}),
                },
                body: JSON.stringify(check),
                signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
              });
              await response.body?.cancel();
              if (response.status !== 202 && response.status !== 200) {
                failed.push({ ...check, error: `the agent answered ${response.status}` });
              }
            } catch (err) {
              failed.push({ ...check, error: `the agent cannot be reached (${(err as Error).message})` });
            }
          }),
        );
        return reply.status(202).send({ requested: checks.length, failed });
      },
    );
  };
}

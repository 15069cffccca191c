/**
 * `GET /api/v1/agents/<id>/assignments[?wait=<s>]` — work for passive agents (`use_address: passive`),
 * which the master never contacts: the agent fetches what it holds, in the bodies `POST /assign` would
 * carry, one per job. Fetching is the delivery: the tasks returned are marked sent. With `wait`, an
 * agent that holds nothing yet is answered as soon as work arrives (or after `wait` seconds, empty).
 *
 * Only the agent's own token (the one that registered it) or an admin/wrangler may ask; the latter only
 * look (nothing is marked sent).
 */
import { errors } from '../../api/schemas/common.js';
import { AssignmentsParams, AssignmentsQuery, AssignmentsView } from '../../api/schemas/assignments.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../../core/errors.js';
import { WorkState } from '../../core/enums.js';
import { findAgent } from '../../db/agents/agent.repository.js';
import {
  listAssignmentJobFacts,
  listTaskAttempts,
} from '../../db/scheduling/assignment-payload.repository.js';
import { markTasksSent } from '../../db/scheduling/task-assignment.repository.js';
import { listTasks } from '../../db/tasks/task.repository.js';
import type { MasterContext } from '../context.js';
import { hasRole } from '../http/access.js';
import type { MasterApp } from '../http/app.js';
import { assignmentMessage, type AssignmentMessage } from './assignment-message.js';

const POLL_MS = 250;

export function assignmentRoutes(ctx: MasterContext) {
  return (app: MasterApp) => {
    app.get(
      '/agents/:agent/assignments',
      {
        schema: {
          tags: ['agents'],
          summary: 'The assignments of a passive agent (fetching them delivers them)',
          params: AssignmentsParams,
          querystring: AssignmentsQuery,
          response: { 200: AssignmentsView, ...errors },
        },
      },
      async (req, reply) => {
        const principal = req.principal;
        if (!principal) throw new UnauthenticatedError('authentication required');
        const agent = await findAgent(ctx.db, req.params.agent);
        if (!agent) throw new NotFoundError('agent', req.params.agent);
        const own =
          principal.roles.has('agent') && principal.tokenId !== null && agent.tokenId === principal.tokenId;
        if (!own && !hasRole(principal, ['wrangler'])) {
          throw new ForbiddenError('only the agent itself, a wrangler or an admin may read its assignments');
        }
        const deadline = Date.now() + (req.query.wait ?? 0) * 1000;
        let assignments = await currentAssignments(ctx, agent.id);
        while (assignments.length === 0 && Date.now() < deadline && !req.raw.destroyed) {
          await nextChange(ctx, agent.id, deadline);
          assignments = await currentAssignments(ctx, agent.id);
        }
        if (own) {
          await markTasksSent(
            ctx.db,
            agent.id,
            assignments.flatMap((a) => a.tasks.map((t) => t.id)),
            ctx.clock.now(),
          );
        }
        return reply.send({ assignments });
      },
    );
  };
}

async function currentAssignments(ctx: MasterContext, agentId: string): Promise<AssignmentMessage[]> {
  const tasks = await listTasks(ctx.db, { agentId, states: [null, WorkState.values.RUNNING] });
  if (tasks.length === 0) return [];
  const jobs = await listAssignmentJobFacts(ctx.db, [...new Set(tasks.map((t) => t.jobId))]);
  const attempts = await listTaskAttempts(
    ctx.db,
    tasks.map((t) => t.id),
  );
  const byJob = new Map<number, typeof tasks>();
  for (const task of tasks) byJob.set(task.jobId, [...(byJob.get(task.jobId) ?? []), task]);
  return [...byJob].flatMap(([jobId, list]) => {
    const job = jobs.get(jobId);
    return job ? [assignmentMessage(job, list, attempts)] : [];
  });
}

/** Resolves on an event about the agent's tasks (this master assigned them) or after a short poll. */
function nextChange(ctx: MasterContext, agentId: string, deadline: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      off();
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, Math.min(POLL_MS, deadline - Date.now())));
    // Assignments are announced with the agent they left (null): any task change may be the one.
    const off = ctx.events.on((event) => {
      if (event.type === 'task.changed' || (event.type === 'agent.changed' && event.agentId === agentId))
        done();
    });
  });
}

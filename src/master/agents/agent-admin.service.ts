/**
 * What wranglers and admins do to agents besides editing fields — delete, disable, enable, request a
 * restart, assign a task by hand — and the software an agent has (set by the agent after its software
 * checks, or by hand). One transaction per call; events after commit.
 */
import { ConflictError, NotFoundError } from '../../core/errors.js';
import { AgentState, FINISHED_STATES } from '../../core/enums.js';
import {
  addAgentSoftwareVersion,
  listAgentTags,
  removeAgentSoftwareVersion,
} from '../../db/agents/agent-associations.repository.js';
import {
  deleteAgent,
  findAgent,
  getAgent,
  updateAgent,
  type Agent,
} from '../../db/agents/agent.repository.js';
import { findSoftware, findSoftwareVersion } from '../../db/software/software.repository.js';
import { getTask, updateTask, type Task } from '../../db/tasks/task.repository.js';
import { transaction } from '../../db/transaction.js';
import type { MasterContext } from '../context.js';
import { applyTaskChange } from '../tasks/task-state.service.js';
import { Aftermath } from './agent-aftermath.js';
import { authorizeAgentCaller, type AgentCaller } from './agent-caller.js';
import { agentLimits, type AgentWithTags } from './agent-report.service.js';
import { refreshJobsOnAgent, releaseAgentTasks } from './agent-task-reconciliation.js';

const { DISABLED, OFFLINE } = AgentState.values;

/**
 * Deletes the agent; its unfinished tasks go back to the queue first (PyFarm left them on no agent in
 * whatever state they had). Deleting an unknown agent is fine (idempotent).
 */
export async function removeAgent(ctx: MasterContext, agentId: string): Promise<void> {
  const now = ctx.clock.now();
  const aftermath = new Aftermath();
  const deleted = await transaction(ctx.db, async (trx) => {
    const agent = await findAgent(trx, agentId);
    if (!agent) return false;
    await releaseAgentTasks(trx, agent.id, { now, limits: agentLimits(ctx) }, aftermath);
    await deleteAgent(trx, agent.id);
    aftermath.agentDeleted(agent.id);
    return true;
  });
  if (deleted) aftermath.publish(ctx);
}

export type AgentAction = 'disable' | 'enable' | 'restart';

/**
 * - disable: DISABLED; its reports no longer change its state and the scheduler ignores it.
 * - enable: OFFLINE, not ONLINE: the master does not know the agent's real state; its next announce or the
 *   monitor's poll restores it (PyFarm's web UI did the same).
 * - restart: restart_requested; the dispatcher asks the agent to restart when it is idle.
 */
export async function applyAgentAction(
  ctx: MasterContext,
  agentId: string,
  action: AgentAction,
): Promise<AgentWithTags> {
  const now = ctx.clock.now();
  const limits = agentLimits(ctx);
  const aftermath = new Aftermath();
  const result = await transaction(ctx.db, async (trx) => {
    const before = await getAgent(trx, agentId);
    let agent: Agent = before;
    if (action === 'disable' && before.state !== DISABLED) {
      agent = await updateAgent(trx, before.id, { state: DISABLED }, { limits, now });
      await refreshJobsOnAgent(trx, agent.id, now, aftermath);
    } else if (action === 'enable' && before.state === DISABLED) {
      agent = await updateAgent(trx, before.id, { state: OFFLINE }, { limits, now });
    } else if (action === 'restart' && !before.restartRequested) {
      agent = await updateAgent(trx, before.id, { restartRequested: true }, { limits, now });
    }
    aftermath.agentChanged(agent.id);
    return { agent, tags: (await listAgentTags(trx, agent.id)).map((t) => t.tag) };
  });
  aftermath.publish(ctx);
  return result;
}

export interface AgentSoftwareRef {
  software: string;
  version: string;
}

/** Marks a software version as present on the agent; idempotent. */
export async function addSoftwareToAgent(
  ctx: MasterContext,
  caller: AgentCaller,
  agentId: string,
  ref: AgentSoftwareRef,
): Promise<AgentSoftwareRef> {
  const aftermath = new Aftermath();
  const result = await transaction(ctx.db, async (trx) => {
    const agent = await getAgent(trx, agentId);
    await authorizeAgentCaller(trx, caller, agent, ctx.clock.now());
    const software = await findSoftware(trx, ref.software);
    if (!software) throw new NotFoundError('software', ref.software);
    const version = await findSoftwareVersion(trx, software.id, ref.version);
    if (!version) throw new NotFoundError('software version', `${ref.software} ${ref.version}`);
    if (await addAgentSoftwareVersion(trx, agent.id, version.id)) aftermath.agentChanged(agent.id);
    return { software: software.software, version: version.version };
  });
  aftermath.publish(ctx);
  return result;
}

/** Removes a software version from the agent; fine when it was not there. */
export async function removeSoftwareFromAgent(
  ctx: MasterContext,
  caller: AgentCaller,
  agentId: string,
  ref: AgentSoftwareRef,
): Promise<void> {
  const aftermath = new Aftermath();
  await transaction(ctx.db, async (trx) => {
    const agent = await getAgent(trx, agentId);
    await authorizeAgentCaller(trx, caller, agent, ctx.clock.now());
    const software = await findSoftware(trx, ref.software);
    if (!software) throw new NotFoundError('software', ref.software);
    const version = await findSoftwareVersion(trx, software.id, ref.version);
    if (!version) throw new NotFoundError('software version', `${ref.software} ${ref.version}`);
    if (await removeAgentSoftwareVersion(trx, agent.id, version.id)) aftermath.agentChanged(agent.id);
  });
  aftermath.publish(ctx);
}

/**
 * Assigns a task to the agent by hand (an attempt is counted, the job state re-derived); the dispatcher
 * sends it. A finished task is refused: rerun it instead.
 */
export async function assignTaskToAgent(
  ctx: MasterContext,
  agentId: string,
  taskId: number,
): Promise<{ task: Task; agent: Agent }> {
  const now = ctx.clock.now();
  const limits = agentLimits(ctx);
  const aftermath = new Aftermath();
  const result = await transaction(ctx.db, async (trx) => {
    const agent = await getAgent(trx, agentId);
    const before = await getTask(trx, taskId);
    if (before.state !== null && FINISHED_STATES.includes(before.state)) {
      throw new ConflictError(`task ${taskId} is finished; rerun it instead of assigning it`);
    }
    const applied = await applyTaskChange(trx, taskId, { agentId: agent.id }, { now, limits, task: before });
    aftermath.taskChanged(applied);
    const task =
      applied.after.sentToAgent && applied.after.agentId !== before.agentId
        ? await updateTask(trx, taskId, { sentToAgent: false }, { now, limits })
        : applied.after;
    aftermath.agentChanged(agent.id);
    return { task, agent };
  });
  aftermath.publish(ctx);
  return result;
}

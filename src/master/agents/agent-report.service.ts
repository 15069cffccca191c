/**
 * Registration (`POST /agents/`) and partial updates (`POST /agents/<id>`): the agent's start-up report,
 * its re-announces, and wranglers' and admins' edits. One transaction each; events after commit.
 *
 * Registration creates or updates by id. (PyFarm looked up id and port together, so an agent that came
 * back on another port hit the primary key and got a 500; Drover updates the port.) On create the default
 * software versions are attached; on update the changed columns are written, the inventory replaced when
 * it changed, and `current_assignments` reconciled — see agent-task-reconciliation.ts.
 */
import type { Kysely } from 'kysely';
import type { RegisterAgentBody, UpdateAgentBody } from '../../api/schemas/agents.js';
import { ValidationError } from '../../core/errors.js';
import { AgentState, type AgentStateValue } from '../../core/enums.js';
import { listAgentTags, setAgentTags } from '../../db/agents/agent-associations.repository.js';
import { attachDefaultSoftware, insertAgentInventory } from '../../db/agents/agent-inventory.repository.js';
import {
  createAgent,
  findAgent,
  getAgent,
  updateAgent,
  type Agent,
  type AgentPatch,
} from '../../db/agents/agent.repository.js';
import type { Database, Millis } from '../../db/database.js';
import type { ModelLimits } from '../../db/rules/model-limits.js';
import { transaction } from '../../db/transaction.js';
import type { MasterContext } from '../context.js';
import { Aftermath } from './agent-aftermath.js';
import { authorizeAgentCaller, type AgentCaller } from './agent-caller.js';
import {
  agentPatchOf,
  assertFieldAccess,
  checkFarmName,
  normalizeMacAddresses,
  remoteIpFromConnection,
  reportedState,
  syncInventory,
} from './agent-input.js';
import { reconcileAssignments, refreshJobsOnAgent, releaseAgentTasks } from './agent-task-reconciliation.js';

const { OFFLINE, DISABLED } = AgentState.values;

export interface AgentWithTags {
  agent: Agent;
  tags: string[];
}

/** The model limits with the master's loopback rule (`--allow-agent-loopback-addresses`). */
export function agentLimits(ctx: MasterContext): ModelLimits {
  const cached = limitsCache.get(ctx);
  if (cached) return cached;
  const limits = { ...ctx.limits, allowAgentsFromLoopback: ctx.allowAgentLoopback };
  limitsCache.set(ctx, limits);
  return limits;
}
const limitsCache = new WeakMap<MasterContext, ModelLimits>();

export async function registerAgent(
  ctx: MasterContext,
  caller: AgentCaller,
  body: RegisterAgentBody,
  connectionAddress: string,
): Promise<AgentWithTags & { created: boolean }> {
  checkFarmName(body.farm_name, ctx.config.farm_name);
  assertFieldAccess(caller, body);
  const limits = agentLimits(ctx);
  const input: UpdateAgentBody = { ...body };
  if (input.remote_ip === undefined) {
    input.remote_ip = remoteIpFromConnection(connectionAddress, input.use_address, limits);
  }
  const now = ctx.clock.now();
  const aftermath = new Aftermath();
  const result = await transaction(ctx.db, async (trx) => {
    const existing = await findAgent(trx, body.id);
    if (existing) {
      const tokenId = await authorizeAgentCaller(trx, caller, existing, now);
      const agent = await applyAgentInput(trx, existing, input, {
        caller,
        now,
        limits,
        heardFrom: true,
        tokenId,
        aftermath,
      });
      const tags = (await listAgentTags(trx, agent.id)).map((t) => t.tag);
      return { agent, tags, created: false };
    }
    const state = reportedState(caller, input, undefined);
    const agent = await createAgent(
      trx,
      {
        ...agentPatchOf(input),
        id: body.id,
        hostname: body.hostname,
        port: body.port,
        ram: body.ram,
        freeRam: body.free_ram,
        cpus: body.cpus,
        ...(state !== undefined ? { state } : {}),
        lastHeardFrom: now,
        tokenId: caller.kind === 'agent' ? caller.tokenId : null,
      },
      { limits, now },
    );
    await insertAgentInventory(trx, agent.id, {
      macAddresses: normalizeMacAddresses(input.mac_addresses ?? []),
      gpus: input.gpus ?? [],
      disks: input.disks ?? [],
    });
    await attachDefaultSoftware(trx, agent.id);
    aftermath.agentChanged(agent.id);
    return { agent, tags: [], created: true };
  });
  aftermath.publish(ctx);
  return result;
}

/** `POST /agents/<id>`: a partial update by the agent (re-announce) or by a wrangler or admin. */
export async function updateAgentRecord(
  ctx: MasterContext,
  caller: AgentCaller,
  agentId: string,
  body: UpdateAgentBody,
): Promise<AgentWithTags> {
  if (body.id !== undefined && body.id.toLowerCase() !== agentId.toLowerCase()) {
    throw new ValidationError('id: the id of an agent cannot be changed', { field: 'id', value: body.id });
  }
  checkFarmName(body.farm_name, ctx.config.farm_name);
  assertFieldAccess(caller, body);
  const limits = agentLimits(ctx);
  const now = ctx.clock.now();
  const aftermath = new Aftermath();
  const result = await transaction(ctx.db, async (trx) => {
    const existing = await getAgent(trx, agentId);
    const tokenId = await authorizeAgentCaller(trx, caller, existing, now);
    const agent = await applyAgentInput(trx, existing, body, {
      caller,
      now,
      limits,
      heardFrom: caller.kind === 'agent',
      tokenId,
      aftermath,
    });
    const tags = (await listAgentTags(trx, agent.id)).map((t) => t.tag);
    return { agent, tags };
  });
  aftermath.publish(ctx);
  return result;
}

interface ApplyOptions {
  caller: AgentCaller;
  now: Millis;
  limits: ModelLimits;
  /** The agent itself is speaking: last_heard_from becomes now. */
  heardFrom: boolean;
  /** The agent token the record carries from now on (a takeover), or undefined. */
  tokenId: number | undefined;
  aftermath: Aftermath;
}

/** Applies a body to an existing agent, with the effects of its state on the agent's tasks. */
async function applyAgentInput(
  trx: Kysely<Database>,
  before: Agent,
  input: UpdateAgentBody,
  options: ApplyOptions,
): Promise<Agent> {
  const { caller, now, limits, aftermath } = options;
  const patch: AgentPatch = agentPatchOf(input);
  const state = reportedState(caller, input, before.state);
  if (state !== undefined) patch.state = state;
  if (options.heardFrom) patch.lastHeardFrom = now;
  if (options.tokenId !== undefined) patch.tokenId = options.tokenId;
  const agent =
    Object.keys(patch).length > 0 ? await updateAgent(trx, before.id, patch, { limits, now }) : before;
  await syncInventory(trx, agent.id, input);
  if (input.tags !== undefined) await setAgentTags(trx, agent.id, input.tags, { limits, now });

  const taskOptions = { now, limits };
  if (input.current_assignments !== undefined && agent.state !== OFFLINE) {
    await reconcileAssignments(trx, agent.id, input.current_assignments, taskOptions, aftermath);
  }
  if (state !== undefined && agent.state === OFFLINE) {
    await releaseAgentTasks(trx, agent.id, taskOptions, aftermath);
  } else if (isLive(before.state) !== isLive(agent.state)) {
    await refreshJobsOnAgent(trx, agent.id, now, aftermath);
  }
  aftermath.agentChanged(agent.id);
  return agent;
}

function isLive(state: AgentStateValue): boolean {
  return state !== OFFLINE && state !== DISABLED;
}

/**
 * A fill round: give work to the given agents one after the other, as PyFarm's assign_tasks_to_agent did
 * for each idle agent, each decision seeing the ones before it (the fair-share keys move with every
 * assignment). With sharing, an agent keeps taking assignments while it has room.
 */
import { hasRoom } from './agent-resources.js';
import { decide, recordAssignment, RoundMemo, type Decision } from './decide.js';
import type { FarmIndex } from './farm-index.js';
import type { SchedAgent } from './farm-model.js';

/** Agents that may get work now: up, not cooling down after a refused delivery, with room. */
export function mayTakeWork(index: FarmIndex, agent: SchedAgent, now: number): boolean {
  return agent.live && agent.cooldownUntil <= now && hasRoom(agent.facts, agent, index.policy);
}

export function fillAgents(index: FarmIndex, agents: Iterable<SchedAgent>, now: number): Decision[] {
  const memo = new RoundMemo();
  const decisions: Decision[] = [];
  for (const agent of agents) {
    while (mayTakeWork(index, agent, now)) {
      const decision = decide(index, agent, memo);
      if (!decision) break;
      recordAssignment(index, decision);
      decisions.push(decision);
      if (!index.policy.sharing) break;
    }
  }
  return decisions;
}

/**
 * CPUs and RAM: what an agent offers, what a job needs, and whether one fits the other now.
 *
 * Job values (spec §2, with the documented specials PyFarm's validators rejected): `cpus`/`ram` > 0 is a
 * minimum, 0 means "no minimum", -1 means "the whole agent". Agent capacity:
 * - CPUs: `cpus × cpu_allocation`;
 * - RAM: with `use_total_ram_for_scheduling`, `ram × ram_allocation`; otherwise the free RAM the agent
 *   last reported (already net of what runs there, so the allocation factor is not applied again).
 *
 * One assignment per agent by default. With `agent_allow_sharing` an agent takes assignments of several
 * jobs (never two of the same job) while its free CPUs and RAM allow: each assignment reserves the job's
 * CPUs (at least one, so "no minimum" jobs cannot pile up without bound) and RAM; a whole-agent job
 * needs an empty agent and then reserves all of it.
 */

export interface ResourcePolicy {
  readonly sharing: boolean;
  readonly useTotalRam: boolean;
}

export interface AgentCapacityFacts {
  readonly cpus: number;
  readonly ram: number;
  readonly freeRam: number;
  readonly cpuAllocation: number;
  readonly ramAllocation: number;
}

export interface JobNeeds {
  readonly cpus: number;
  readonly ram: number;
}

export interface AgentLoad {
  /** Jobs the agent holds tasks of. */
  readonly jobCount: number;
  readonly usedCpus: number;
  readonly usedRam: number;
  /** It holds a whole-agent job. */
  readonly whole: boolean;
}

/** Why a job does not fit an agent now: it never can (cpus, ram) or not while the agent works (busy). */
export type FitProblem = 'cpus' | 'ram' | 'busy';

export const WHOLE_AGENT = -1;

export function cpuCapacity(agent: AgentCapacityFacts): number {
  return agent.cpus * agent.cpuAllocation;
}

export function ramCapacity(agent: AgentCapacityFacts, policy: ResourcePolicy): number {
  return policy.useTotalRam ? Math.floor(agent.ram * agent.ramAllocation) : agent.freeRam;
}

/** CPUs an assignment of the job reserves on this agent. */
export function cpuReservation(agent: AgentCapacityFacts, job: JobNeeds): number {
  return job.cpus === WHOLE_AGENT ? cpuCapacity(agent) : Math.max(job.cpus, 1);
}

/** RAM an assignment of the job reserves on this agent. */
export function ramReservation(agent: AgentCapacityFacts, job: JobNeeds, policy: ResourcePolicy): number {
  return job.ram === WHOLE_AGENT ? ramCapacity(agent, policy) : Math.max(job.ram, 0);
}

/** Whether the agent could ever run the job (its capacity, ignoring what it runs now). */
export function capacityProblem(
  agent: AgentCapacityFacts,
  job: JobNeeds,
  policy: ResourcePolicy,
): 'cpus' | 'ram' | undefined {
  if (job.cpus > 0 && cpuCapacity(agent) < job.cpus) return 'cpus';
  if (job.ram > 0 && ramCapacity(agent, policy) < job.ram) return 'ram';
  return undefined;
}

/** Whether the agent has room for one more assignment at all (before looking at any job). */
export function hasRoom(agent: AgentCapacityFacts, load: AgentLoad, policy: ResourcePolicy): boolean {
  if (load.jobCount === 0) return true;
  if (!policy.sharing || load.whole) return false;
  return cpuCapacity(agent) - load.usedCpus >= 1;
}

export function fitProblem(
  agent: AgentCapacityFacts,
  load: AgentLoad,
  job: JobNeeds,
  policy: ResourcePolicy,
  holdsJob: boolean,
): FitProblem | undefined {
  const capacity = capacityProblem(agent, job, policy);
  if (capacity) return capacity;
  if (load.jobCount === 0) return undefined;
  if (!policy.sharing || load.whole || holdsJob) return 'busy';
  if (job.cpus === WHOLE_AGENT || job.ram === WHOLE_AGENT) return 'busy';
  if (cpuCapacity(agent) - load.usedCpus < cpuReservation(agent, job)) return 'busy';
  if (job.ram > 0 && ramCapacity(agent, policy) - load.usedRam < job.ram) return 'busy';
  return undefined;
}

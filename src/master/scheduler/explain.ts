/**
 * Why a job's waiting tasks are not running: for each agent, the first thing that keeps the job from it
 * now, checked in this order — the job itself (paused, hidden, marked for deletion, waiting for a parent,
 * finished, nothing waiting), the agent's state, its project dedication, tags, software, CPUs, RAM, the
 * per-task failure blacklist, the agent being busy, the job's and its queues' maximum_agents, and finally
 * the decision itself: what the agent would be given instead and why (a sibling of higher priority, a
 * minimum being filled, running jobs served first, a sibling further below its weighted share, an older
 * job). "assignable" means nothing keeps them apart: the next round assigns it.
 */
import { AgentState } from '../../core/enums.js';
import { capacityProblem, fitProblem } from './agent-resources.js';
import { chooseJob } from './decide.js';
import type { FarmIndex } from './farm-index.js';
import type { QueueNode, SchedAgent, SchedJob } from './farm-model.js';

export type WhyReason =
  | 'paused'
  | 'hidden'
  | 'to_be_deleted'
  | 'dependency'
  | 'finished'
  | 'no_waiting_tasks'
  | 'agent_offline'
  | 'agent_disabled'
  | 'project'
  | 'tag'
  | 'software'
  | 'cpus'
  | 'ram'
  | 'blacklist'
  | 'busy'
  | 'job_maximum'
  | 'queue_maximum'
  | 'priority'
  | 'minimum'
  | 'running_jobs_first'
  | 'share'
  | 'older_job'
  | 'assignable';

export interface AgentWhy {
  readonly agentId: string;
  readonly hostname: string;
  readonly reason: WhyReason;
  readonly detail: string;
}

export interface JobWhy {
  readonly waitingTasks: number;
  /** Set when the job itself is the obstacle, for every agent alike. */
  readonly jobReason: WhyReason | null;
  readonly agents: AgentWhy[];
  readonly summary: Partial<Record<WhyReason, number>>;
}

const JOB_DETAILS: Record<string, string> = {
  paused: 'the job is paused',
  hidden: 'the job is hidden',
  to_be_deleted: 'the job is marked for deletion',
  dependency: 'a parent job is not done (a failed parent blocks it until it is rerun)',
  finished: 'the job is finished',
};

/** `job` undefined = the job has no unfinished task at all. */
export function explainJob(
  index: FarmIndex,
  jobId: number,
  options: { agentIds?: readonly string[]; now: number },
): JobWhy {
  const { agentIds, now } = options;
  const job = index.jobs.get(jobId);
  const agents = [...index.agents.values()].filter((a) => !agentIds || agentIds.includes(a.id));
  let jobReason: WhyReason | null = null;
  let jobDetail = '';
  if (!job || job.tasks.queuedCount === 0) {
    jobReason = 'no_waiting_tasks';
    jobDetail = 'no task of the job waits for an agent';
  } else if (job.block) {
    jobReason = job.block;
    jobDetail = JOB_DETAILS[job.block]!;
  }
  const answers = agents.map((agent): AgentWhy => {
    const found = jobReason
      ? { reason: jobReason, detail: jobDetail }
      : explainAgent(index, job!, agent, now);
    return { agentId: agent.id, hostname: agent.facts.hostname, ...found };
  });
  const summary: Partial<Record<WhyReason, number>> = {};
  for (const answer of answers) summary[answer.reason] = (summary[answer.reason] ?? 0) + 1;
  return { waitingTasks: job?.tasks.queuedCount ?? 0, jobReason, agents: answers, summary };
}

function explainAgent(
  index: FarmIndex,
  job: SchedJob,
  agent: SchedAgent,
  now: number,
): { reason: WhyReason; detail: string } {
  if (!agent.live) {
    return agent.facts.state === AgentState.values.OFFLINE
      ? { reason: 'agent_offline', detail: 'the agent is offline' }
      : { reason: 'agent_disabled', detail: 'the agent is disabled' };
  }
  const mismatch = agent.capability.firstMismatch(job.facts.requirements);
  if (mismatch) return { reason: mismatch.kind, detail: mismatch.detail };
  const capacity = capacityProblem(agent.facts, job.facts, index.policy);
  if (capacity === 'cpus') return { reason: 'cpus', detail: `the job needs ${job.facts.cpus} CPUs` };
  if (capacity === 'ram') return { reason: 'ram', detail: `the job needs ${job.facts.ram} MB of RAM` };
  if (job.tasks.allQueuedFailedOn(agent.id)) {
    return { reason: 'blacklist', detail: 'every waiting task of the job failed on this agent before' };
  }
  if (agent.cooldownUntil > now) return { reason: 'busy', detail: 'the agent refused work a moment ago' };
  if (fitProblem(agent.facts, agent, job.facts, index.policy, agent.holdings.has(job))) {
    const others = [...agent.holdings.keys()].map((j) => j.facts.title);
    return { reason: 'busy', detail: `the agent works on ${others.join(', ') || 'other work'}` };
  }
  if (!job.underMaximum)
    return { reason: 'job_maximum', detail: `the job has its maximum of ${job.facts.maximumAgents} agents` };
  for (const queue of job.queue.lineage()) {
    if (!queue.underMaximum) {
      return {
        reason: 'queue_maximum',
        detail: `queue ${queue.path} has its maximum of ${queue.facts!.maximumAgents} agents`,
      };
    }
  }
  const chosen = chooseJob(index, agent);
  if (!chosen || chosen === job)
    return { reason: 'assignable', detail: 'nothing keeps them apart: the next round assigns it' };
  return competition(index, job, chosen);
}

/** Why the decision prefers `winner` over `job` for an agent that could take both. */
function competition(
  index: FarmIndex,
  job: SchedJob,
  winner: SchedJob,
): { reason: WhyReason; detail: string } {
  const jobPath = [...job.queue.lineage()].reverse();
  const winnerPath = [...winner.queue.lineage()].reverse();
  let depth = 0;
  while (depth < jobPath.length && depth < winnerPath.length && jobPath[depth] === winnerPath[depth]) depth++;
  // Below the last shared queue: the competing children (a queue, or the job itself).
  const ours: QueueNode | SchedJob = jobPath[depth] ?? job;
  const theirs: QueueNode | SchedJob = winnerPath[depth] ?? winner;
  const name = (x: QueueNode | SchedJob) => ('tasks' in x ? `job ${x.facts.title}` : `queue ${x.path}`);
  const priority = (x: QueueNode | SchedJob) => ('tasks' in x ? x.facts.priority : x.facts!.priority);
  const detail = (text: string) => `${name(theirs)} ${text} (the agent would get job ${winner.facts.title})`;
  if (priority(theirs) > priority(ours)) {
    return {
      reason: 'priority',
      detail: detail(`has a higher priority (${priority(theirs)} > ${priority(ours)})`),
    };
  }
  const belowMinimum =
    'tasks' in theirs
      ? (theirs.facts.minimumAgents ?? 0) > theirs.assigned
      : theirs.assigned < theirs.minimum;
  if (belowMinimum) return { reason: 'minimum', detail: detail('is below its minimum_agents') };
  const oursRunning = 'tasks' in ours ? ours.running : true;
  const theirsRunning = 'tasks' in theirs ? theirs.running : true;
  if (index.policy.preferRunning && theirsRunning && !oursRunning) {
    return {
      reason: 'running_jobs_first',
      detail: detail('is running, and running work is served before new jobs start'),
    };
  }
  if (theirsRunning && oursRunning)
    return { reason: 'share', detail: detail('is further below its weighted share of agents') };
  return { reason: 'older_job', detail: detail('was submitted earlier') };
}

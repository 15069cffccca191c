/**
 * A farm of real processes for recovery tests: a `drover master` child process (./master-server.ts) and
 * `drover agent start -n` children (test/support/agent-process.ts) with short re-announce and retry
 * intervals, plus what the tests ask the master through its REST API. `dispose()` kills whatever is left,
 * the processes the agents started included.
 */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { AgentProcess } from '../../support/agent-process.js';
import { MasterServer, type MasterServerOptions } from './master-server.js';

export interface TaskRecord {
  id: number;
  state: string;
  frame: number;
  agent_id: string | null;
  attempts: number;
  failures: number;
  last_error: string | null;
}

export interface JobRecord {
  id: number;
  state: string;
  requeue: number;
}

export class ProcessFarm {
  readonly agents: AgentProcess[] = [];
  /** Pids of task processes that a killed agent may have left behind. */
  private readonly orphans = new Set<number>();

  private constructor(
    readonly master: MasterServer,
    private readonly agentArgs: string[],
  ) {}

  /** `agentArgs` are given to every agent (default: re-announce every second). */
  static async start(options: MasterServerOptions & { agentArgs?: string[] } = {}): Promise<ProcessFarm> {
    const master = await MasterServer.prepare(options);
    const farm = new ProcessFarm(master, options.agentArgs ?? ['--master-reannounce', '1']);
    try {
      await master.start();
    } catch (err) {
      await master.dispose();
      throw err;
    }
    return farm;
  }

  /** Starts an agent (or restarts one on its data directory) and waits until the master lists it online. */
  async startAgent(name: string, dataDir?: string): Promise<AgentProcess> {
    const agent = AgentProcess.start({
      masterApi: this.master.apiUrl,
      token: this.master.agentToken,
      ...(dataDir === undefined ? {} : { dataDir }),
      args: ['--host', name, ...this.agentArgs],
    });
    this.agents.push(agent);
    await this.until(
      async () => {
        if (agent.exitCode !== undefined) throw new Error(`agent ${name} exited:\n${agent.output}`);
        const found = await this.master.api<{ id: string }[]>(`/agents/?hostname=${name}`);
        return found.some((a) => a.id === agent.agentId) && (await this.agentState(agent)) !== 'offline';
      },
      30_000,
      () => `agent ${name} online; its output:\n${agent.output.slice(-3000)}`,
    );
    return agent;
  }

  /** Records the pids of the task processes an agent runs, so that `dispose()` ends them after a kill -9. */
  async rememberChildren(agent: AgentProcess): Promise<number[]> {
    const status = (await agent.call('GET', '/api/v1/status')).json as { pids?: { child?: number[] } };
    const pids = status.pids?.child ?? [];
    for (const pid of pids) this.orphans.add(pid);
    return pids;
  }

  /** Submits a Command job running `sh -c script` for frames 1..frames. */
  async submitShell(
    title: string,
    script: string,
    fields: { frames?: number; requeue?: number; batch?: number } = {},
  ): Promise<JobRecord> {
    const { frames = 1, ...rest } = fields;
    return this.master.api<JobRecord>('/jobs/', {
      method: 'POST',
      body: {
        title,
        jobtype: 'Command',
        start: 1,
        end: frames,
        data: { command: 'sh', args: ['-c', script] },
        ...rest,
      },
    });
  }

  tasks(jobId: number): Promise<TaskRecord[]> {
    return this.master.api<TaskRecord[]>(`/jobs/${jobId}/tasks/`);
  }

  job(jobId: number): Promise<JobRecord> {
    return this.master.api<JobRecord>(`/jobs/${jobId}`);
  }

  async agentState(agent: AgentProcess): Promise<string> {
    return (await this.master.api<{ state: string }>(`/agents/${agent.agentId}`)).state;
  }

  /** Waits until every task of the job is in one of `states`; returns them. */
  async tasksIn(jobId: number, states: string[], timeoutMs: number): Promise<TaskRecord[]> {
    let tasks: TaskRecord[] = [];
    await this.until(
      async () => {
        tasks = await this.tasks(jobId);
        return tasks.length > 0 && tasks.every((t) => states.includes(t.state));
      },
      timeoutMs,
      () => `tasks of job ${jobId} ${states.join('/')}: ${JSON.stringify(tasks)}`,
    );
    return tasks;
  }

  /** Where the master finds a task's logs: 'stored' once uploaded, 'agent' while still on the agent. */
  async logLocations(jobId: number, taskId: number, attempt: number): Promise<string[]> {
    const base = `/jobs/${jobId}/tasks/${taskId}/attempts/${attempt}/logs`;
    const logs = await this.master.api<{ identifier: string }[]>(`${base}/`);
    return Promise.all(
      logs.map(async (log) => {
        const response = await fetch(`${this.master.apiUrl}${base}/${log.identifier}/logfile`, {
          headers: { authorization: `Bearer ${this.master.adminToken}` },
          redirect: 'manual',
        });
        await response.body?.cancel();
        return response.status === 200 ? 'stored' : response.status === 307 ? 'agent' : `${response.status}`;
      }),
    );
  }

  /**
   * Task events the master counted (statistics), summed over the farm. Read from the database file once
   * the master has stopped: it writes its counts when it stops.
   */
  taskEventCounts(): { started: number; done: number; failed: number; restarted: number } {
    if (this.master.running) throw new Error('stop the master first: it writes its counts when it stops');
    const db = new Database(join(this.master.dir, 'drover.sqlite'), { readonly: true });
    try {
      return db
        .prepare(
          `select coalesce(sum(num_started), 0) as started, coalesce(sum(num_done), 0) as done,
                  coalesce(sum(num_failed), 0) as failed, coalesce(sum(num_restarted), 0) as restarted
             from task_event_counts`,
        )
        .get() as { started: number; done: number; failed: number; restarted: number };
    } finally {
      db.close();
    }
  }

  async until(
    check: () => boolean | Promise<boolean>,
    timeoutMs: number,
    what: string | (() => string),
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) {
        const described = typeof what === 'string' ? what : what();
        throw new Error(`timed out waiting for ${described}\nmaster log:\n${this.master.log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async dispose(): Promise<void> {
    for (const agent of this.agents) {
      if (agent.exitCode === undefined) await this.rememberChildren(agent).catch(() => []);
    }
    await Promise.all(this.agents.map((agent) => agent.stop('SIGKILL')));
    for (const pid of this.orphans) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await this.master.dispose();
    for (const agent of this.agents) rmSync(agent.dataDir, { recursive: true, force: true });
  }
}

/**
 * `drover fakework` (the seed's pyfarm-dev-fakework): hands work straight to an agent, bypassing the
 * scheduler, to exercise job types. Without `--job` it creates a job of `--jobtype` on the master (frames
 * 1–5 unless `--frames`); then it takes that job's queued tasks and POSTs them to the agent's /assign.
 * The master needs a token (`--token` or DROVER_TOKEN); the agent accepts `--agent-api-username/
 * --agent-api-password`, or the control secret of a local agent found through `--data-dir`.
 */
import type { Command } from 'commander';
import type { CliPorts, CommandIO } from './cli-ports.js';
import { readStateFile } from '../daemon/run-files.js';
import { sendRequest } from '../master-client/http-request.js';
import { resolveAgentSettings } from '../settings/agent-settings.js';

interface FakeworkOptions {
  masterApi: string;
  agentApi: string;
  jobtype: string;
  job?: string;
  frames: string;
  token?: string;
  agentApiUsername: string;
  agentApiPassword?: string;
  dataDir?: string;
}

async function call(
  fail: CliPorts['exit'],
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const answer = await sendRequest({
    method,
    url: new URL(url),
    headers: {
      accept: 'application/json',
      ...headers,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    timeoutMs: 30_000,
  });
  const text = answer.body.toString('utf8');
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // keep the text
  }
  if (answer.status >= 400) {
    const error = (json as { error?: string })?.error ?? text;
    throw fail(1, `${method} ${url} failed: ${answer.status} ${error}`);
  }
  return { status: answer.status, json };
}

export function registerFakeworkCommand(program: Command, io: CommandIO, ports: CliPorts): void {
  const CliExit = ports.exit;
  program
    .command('fakework')
    .description('assign the queued tasks of a (new) job directly to an agent (development tool)')
    .option('--master-api <url>', "the master's REST API", 'http://127.0.0.1/api/v1')
    .option('--agent-api <url>', "the agent's REST API", 'http://127.0.0.1:50000/api/v1')
    .option('--jobtype <name>', 'job type of a new job', 'FakeRender')
    .option('--job <id>', 'take the queued tasks of this job instead of creating one')
    .option('--frames <start-end>', 'frames of a new job', '1-5')
    .option('--token <token>', 'API token for the master [DROVER_TOKEN]')
    .option('--agent-api-username <name>', 'user name for the agent API', 'agent')
    .option('--agent-api-password <password>', 'password for the agent API')
    .option('--data-dir <dir>', "a local agent's data directory: use its control secret")
    .action(async (o: FakeworkOptions) => {
      const token = o.token ?? io.env.DROVER_TOKEN;
      if (!token) throw CliExit(2, 'the master needs an API token: --token or DROVER_TOKEN');
      const master = { authorization: `Bearer ${token}`, 'user-agent': `Drover/${ports.version} (cli)` };
      let agentAuth: string;
      if (o.agentApiPassword)
        agentAuth = `Basic ${Buffer.from(`${o.agentApiUsername}:${o.agentApiPassword}`).toString('base64')}`;
      else if (o.dataDir) {
        const settings = resolveAgentSettings(
          { agent_data_root: o.dataDir },
          { purpose: 'control', env: io.env, cwd: io.cwd },
        );
        const state = readStateFile(settings.stateFile);
        if (!state) throw CliExit(1, `no running agent found in ${o.dataDir}`);
        agentAuth = `Bearer ${state.controlSecret}`;
      } else throw CliExit(2, 'the agent needs credentials: --agent-api-password or --data-dir');
      const base = o.masterApi.replace(/\/+$/, '');
      let jobId = o.job;
      if (!jobId) {
        const m = /^(\d+)(?:-(\d+))?$/.exec(o.frames);
        if (!m) throw CliExit(2, '--frames must look like 1-5');
        const created = await call(CliExit, `${base}/jobs/`, 'POST', master, {
          title: `fakework ${new Date().toISOString()}`,
          jobtype: o.jobtype,
          start: Number(m[1]),
          end: Number(m[2] ?? m[1]),
          data: o.jobtype === 'FakeRender' ? { duration: 2 } : {},
        });
        jobId = String((created.json as { id: number }).id);
        io.stdout.write(`created job ${jobId}\n`);
      }
      const job = (await call(CliExit, `${base}/jobs/${jobId}`, 'GET', master)).json as Record<
        string,
        unknown
      > & { id: number; jobtype: string; jobtype_version: number };
      const tasks = (
        (await call(CliExit, `${base}/jobs/${jobId}/tasks/`, 'GET', master)).json as {
          id: number;
          frame: number;
          state: string | null;
          tile?: number | null;
          attempts?: number;
        }[]
      ).filter((t) => t.state === 'queued' || t.state === null);
      if (tasks.length === 0) throw CliExit(1, `job ${jobId} has no queued tasks`);
      const assignment = {
        job: {
          id: job.id,
          by: Number(job.by ?? 1),
          ...Object.fromEntries(
            ['title', 'data', 'environ', 'batch', 'ram', 'ram_warning', 'ram_max', 'cpus']
              .filter((k) => job[k] !== undefined && job[k] !== null)
              .map((k) => [k, job[k]]),
          ),
        },
        jobtype: { name: job.jobtype, version: job.jobtype_version },
        tasks: tasks.map((t) => ({
          id: t.id,
          frame: Number(t.frame),
          ...(t.tile != null ? { tile: t.tile } : {}),
          attempt: (t.attempts ?? 0) + 1,
        })),
      };
      const answer = await call(
        CliExit,
        `${o.agentApi.replace(/\/+$/, '')}/assign`,
        'POST',
        { authorization: agentAuth },
        assignment,
      );
      io.stdout.write(
        `assigned ${tasks.length} task(s) of job ${jobId} to the agent: ${answer.status} ${JSON.stringify(answer.json)}\n`,
      );
    });
}

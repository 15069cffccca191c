/**
 * The agent's side of the master's REST API (spec §4): authenticated with the agent token, identified by
 * `Drover/<version> (agent)`, JSON in and out. Each call answers or throws one of two errors:
 *   - MasterRejectedError (a 4xx other than 401/403/408/429): retrying cannot help;
 *   - MasterUnavailableError (no answer, 5xx, 401/403/408/429): the master may accept it later.
 * Retrying is the caller's choice (`withRetry`), with exponential backoff and jitter so a farm of agents
 * coming back together does not hit the master in lockstep.
 */
import { createReadStream } from 'node:fs';
import {
  agentUserAgent,
  AgentRecordSchema,
  compileCheck,
  JobTypeCodeSchema,
  PathMapListSchema,
  SoftwareVersionSchema,
  type AgentAnnounce,
  type AgentRecord,
  type AgentRegistration,
  type FailedOnAgent,
  type JobTypeCode,
  type PathMap,
  type SoftwareVersion,
  type TaskLogRegistration,
  type TaskLogState,
  type TaskReport,
} from '../../api/agent-protocol/index.js';
import { DroverError } from '../../core/errors.js';
import { NetworkError, sendRequest, type HttpAnswer } from './http-request.js';

export class MasterRejectedError extends DroverError {
  readonly code = 'master_rejected';

  constructor(
    readonly status: number,
    readonly detail: string,
    what: string,
  ) {
    super(`the master refused ${what}: ${status} ${detail}`);
  }
}

export class MasterUnavailableError extends DroverError {
  readonly code = 'master_unavailable';

  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface MasterClientOptions {
  masterApi: string;
  token: string;
  version: string;
  timeoutMs?: number;
}

/** Statuses that mean "not now" rather than "never". */
const RETRYABLE_4XX = new Set([401, 403, 408, 425, 429]);

const checkAgentRecord = compileCheck(AgentRecordSchema);
const checkJobTypeCode = compileCheck(JobTypeCodeSchema);
const checkPathMaps = compileCheck(PathMapListSchema);
const checkSoftwareVersion = compileCheck(SoftwareVersionSchema);

export class MasterClient {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: MasterClientOptions) {
    this.base = options.masterApi.replace(/\/+$/, '');
    this.headers = {
      authorization: `Bearer ${options.token}`,
      'user-agent': agentUserAgent(options.version),
      accept: 'application/json',
    };
  }

  get masterApi(): string {
    return this.base;
  }

  async request(
    method: string,
    path: string,
    what: string,
    body?: { json?: unknown; stream?: () => NodeJS.ReadableStream; contentType?: string },
  ): Promise<HttpAnswer> {
    const headers = { ...this.headers };
    let payload: string | NodeJS.ReadableStream | undefined;
    if (body?.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body?.stream) {
      headers['content-type'] = body.contentType ?? 'application/octet-stream';
      payload = body.stream();
    }
    let answer: HttpAnswer;
    try {
      answer = await sendRequest({
        method,
        url: new URL(this.base + path),
        headers,
        body: payload as never,
        timeoutMs: this.options.timeoutMs ?? 30_000,
      });
    } catch (err) {
      if (err instanceof NetworkError) {
        throw new MasterUnavailableError(`the master is unreachable (${what}): ${err.message}`, undefined, {
          cause: err,
        });
      }
      throw err;
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    const detail = errorText(answer);
    if (answer.status >= 500 || RETRYABLE_4XX.has(answer.status)) {
      throw new MasterUnavailableError(
        `the master answered ${answer.status} to ${what}: ${detail}`,
        answer.status,
      );
    }
    throw new MasterRejectedError(answer.status, detail, what);
  }

  private async json(
    method: string,
    path: string,
    what: string,
    check: Check,
    json?: unknown,
  ): Promise<unknown> {
    const answer = await this.request(method, path, what, json === undefined ? undefined : { json });
    return parse(answer, what, check);
  }

  async register(payload: AgentRegistration): Promise<AgentRecord> {
    return (await this.json(
      'POST',
      '/agents/',
      'the registration',
      checkAgentRecord,
      payload,
    )) as AgentRecord;
  }

  async announce(agentId: string, payload: AgentAnnounce): Promise<AgentRecord> {
    return (await this.json(
      'POST',
      `/agents/${agentId}`,
      'the announcement',
      checkAgentRecord,
      payload,
    )) as AgentRecord;
  }

  async fetchJobTypeCode(name: string, version: number): Promise<JobTypeCode> {
    const path = `/jobtypes/${encodeURIComponent(name)}/versions/${version}`;
    return (await this.json('GET', path, `job type ${name} v${version}`, checkJobTypeCode)) as JobTypeCode;
  }

  async fetchPathMaps(agentId: string): Promise<PathMap[]> {
    return (await this.json(
      'GET',
      `/pathmaps/?for_agent=${agentId}`,
      'the path maps',
      checkPathMaps,
    )) as PathMap[];
  }

  async reportTask(job: number, task: number, body: TaskReport): Promise<void> {
    await this.request('POST', `/jobs/${job}/tasks/${task}`, `the report on task ${task}`, { json: body });
  }

  async registerTaskLog(
    job: number,
    task: number,
    attempt: number,
    body: TaskLogRegistration,
  ): Promise<void> {
    await this.request(
      'POST',
      `/jobs/${job}/tasks/${task}/attempts/${attempt}/logs/`,
      `log ${body.identifier}`,
      { json: body },
    );
  }

  async reportTaskLogState(
    job: number,
    task: number,
    attempt: number,
    identifier: string,
    body: TaskLogState,
  ): Promise<void> {
    const path = `/jobs/${job}/tasks/${task}/attempts/${attempt}/logs/${encodeURIComponent(identifier)}`;
    await this.request('POST', path, `the state of log ${identifier}`, { json: body });
  }

  async uploadTaskLog(
    job: number,
    task: number,
    attempt: number,
    identifier: string,
    file: string,
  ): Promise<void> {
    const path = `/jobs/${job}/tasks/${task}/attempts/${attempt}/logs/${encodeURIComponent(identifier)}/logfile`;
    await this.request('PUT', path, `the upload of log ${identifier}`, {
      stream: () => createReadStream(file),
      contentType: 'text/csv',
    });
  }

  async reportFailedOnAgent(job: number, task: number, body: FailedOnAgent): Promise<void> {
    await this.request(
      'POST',
      `/jobs/${job}/tasks/${task}/failed_on_agents/`,
      `the blacklisting of task ${task}`,
      { json: body },
    );
  }

  async fetchSoftwareVersion(software: string, version: string): Promise<SoftwareVersion> {
    const path = `/software/${encodeURIComponent(software)}/versions/${encodeURIComponent(version)}`;
    return (await this.json(
      'GET',
      path,
      `software ${software} ${version}`,
      checkSoftwareVersion,
    )) as SoftwareVersion;
  }

  async fetchDiscoveryCode(software: string, version: string): Promise<string> {
    const path = `/software/${encodeURIComponent(software)}/versions/${encodeURIComponent(version)}/discovery_code`;
    return (await this.request('GET', path, `the discovery code of ${software} ${version}`)).body.toString(
      'utf8',
    );
  }

  async reportSoftware(agentId: string, software: string, version: string, present: boolean): Promise<void> {
    if (present) {
      await this.request('POST', `/agents/${agentId}/software/`, `software ${software} ${version}`, {
        json: { software, version },
      });
    } else {
      const path = `/agents/${agentId}/software/${encodeURIComponent(software)}/versions/${encodeURIComponent(version)}`;
      await this.request('DELETE', path, `software ${software} ${version}`);
    }
  }

  async downloadUpdate(version: string): Promise<Buffer> {
    return (await this.request('GET', `/agents/updates/${encodeURIComponent(version)}`, `update ${version}`))
      .body;
  }
}

function errorText(answer: HttpAnswer): string {
  const text = answer.body.toString('utf8').slice(0, 500);
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed?.error === 'string') return parsed.error;
  } catch {
    // not JSON
  }
  return text || '(no body)';
}

type Check = (v: unknown) => { ok: true; value: unknown } | { ok: false; message: string };

function parse(answer: HttpAnswer, what: string, check: Check): unknown {
  let value: unknown;
  try {
    value = JSON.parse(answer.body.toString('utf8'));
  } catch {
    throw new MasterUnavailableError(`the master's answer to ${what} is not JSON`, answer.status);
  }
  const result = check(value);
  if (!result.ok)
    throw new MasterUnavailableError(
      `the master's answer to ${what} is malformed: ${result.message}`,
      answer.status,
    );
  return result.value;
}

export interface RetryOptions {
  /** Base delay (agent_http_retry_delay). */
  baseDelayMs: number;
  maxDelayMs?: number;
  /** Give up (rethrow) after this point in time (Date.now() ms). */
  deadline?: number;
  /** Give up once this returns true (e.g. the agent is stopping). */
  cancelled?: () => boolean;
  onRetry?: (err: MasterUnavailableError, delayMs: number, attempt: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** Delay before retry `attempt` (1-based): exponential, capped, with ±50% jitter. */
export function retryDelay(attempt: number, baseMs: number, maxMs = 60_000, random = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 10));
  return Math.round(exp * (0.5 + random()));
}

/** Runs `fn` until it succeeds or fails with something other than MasterUnavailableError. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof MasterUnavailableError)) throw err;
      let delay = retryDelay(attempt, options.baseDelayMs, options.maxDelayMs);
      if (options.cancelled?.()) throw err;
      if (options.deadline !== undefined) {
        const left = options.deadline - Date.now();
        if (left <= 0) throw err;
        delay = Math.min(delay, left);
      }
      options.onRetry?.(err, delay, attempt);
      await sleep(delay);
    }
  }
}

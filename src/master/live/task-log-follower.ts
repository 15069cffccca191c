/**
 * Following a task log for a browser. While the task runs the log lives on its agent: the master asks the
 * agent for `GET /api/v1/task_logs/<identifier>?follow=1` (presenting the agent's `api_secret`) and relays
 * each CSV row as it arrives. Once the agent uploaded the log, the master's own copy under `tasklogs_dir`
 * is read instead (plain or gzipped). Lines go out in batches — one per chunk the agent sends — so a
 * process printing thousands of lines a second costs one SSE message per chunk, not per line.
 */
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { TaskLogLine } from '../../api/schemas/live.js';
import type { Logger } from '../../core/logging.js';
import type { Agent } from '../../db/agents/agent.repository.js';
import { agentApiUrl } from '../tasklogs/agent-api-url.js';
import { CsvRowParser } from './csv-rows.js';
import type { SseStream } from './sse-stream.js';
import { toTaskLogLine } from './task-log-line.js';

export interface FollowSource {
  identifier: string;
  tasklogsDir: string;
  agentUrlTemplate: string;
  /** The agent that wrote the log, if known. */
  agent: Agent | undefined;
  userAgent: string;
  log: Logger;
}

const BATCH = 1000;

class LineBatcher {
  private readonly parser = new CsvRowParser();
  private count = 0;

  constructor(private readonly stream: SseStream) {}

  push(text: string): void {
    this.emit(this.parser.push(text));
  }

  end(): void {
    this.emit(this.parser.end());
  }

  private emit(rows: string[][]): void {
    for (let i = 0; i < rows.length; i += BATCH) {
      const lines: TaskLogLine[] = rows.slice(i, i + BATCH).map((row) => toTaskLogLine(row, ++this.count));
      this.stream.send('lines', { type: 'lines', lines });
    }
  }
}

/** The master's stored copy of a log, if the agent uploaded it. */
export function storedLogPath(tasklogsDir: string, identifier: string): string | undefined {
  if (/[/\\\0]/.test(identifier) || identifier === '.' || identifier === '..') return undefined;
  for (const name of [identifier, `${identifier}.gz`]) {
    const path = join(tasklogsDir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

export async function followTaskLog(source: FollowSource, stream: SseStream): Promise<void> {
  const stored = storedLogPath(source.tasklogsDir, source.identifier);
  if (stored) return sendStored(stored, stream);
  const outcome = await relayFromAgent(source, stream);
  if (outcome === 'done' || stream.closed) return;
  // The agent no longer has it (uploaded and cleaned up in between) or cannot be reached.
  const late = storedLogPath(source.tasklogsDir, source.identifier);
  if (late) return sendStored(late, stream);
  stream.send('log.error', { type: 'error', error: outcome });
  stream.close();
}

async function sendStored(path: string, stream: SseStream): Promise<void> {
  const batcher = new LineBatcher(stream);
  const file = createReadStream(path);
  const head = await new Promise<Buffer | undefined>((resolve) => {
    const probe = createReadStream(path, { start: 0, end: 1 });
    probe.once('data', (b) => resolve(b as Buffer));
    probe.once('error', () => resolve(undefined));
    probe.once('end', () => resolve(undefined));
  });
  const gzipped = head !== undefined && head[0] === 0x1f && head[1] === 0x8b;
  const input = gzipped ? file.pipe(createGunzip()) : file;
  input.setEncoding('utf8');
  stream.onClose(() => file.destroy());
  try {
    for await (const chunk of input) {
      if (stream.closed) return;
      batcher.push(chunk as string);
    }
    batcher.end();
    stream.send('end', { type: 'end', source: 'stored' });
  } catch (err) {
    stream.send('log.error', {
      type: 'error',
      error: `the stored log cannot be read: ${(err as Error).message}`,
    });
  }
  stream.close();
}

/** Resolves to 'done' when the agent's stream was relayed to its end, else to why it was not. */
async function relayFromAgent(source: FollowSource, stream: SseStream): Promise<'done' | string> {
  const { agent } = source;
  if (!agent) return 'the log is not stored on the master and no agent is known for it';
  const base = agentApiUrl(source.agentUrlTemplate, agent);
  if (!base)
    return `agent ${agent.hostname} cannot be contacted (use_address): its log is available once it is uploaded`;
  const abort = new AbortController();
  stream.onClose(() => abort.abort());
  const headers: Record<string, string> = { accept: 'text/csv', 'user-agent': source.userAgent };
  if (agent.apiSecret) headers.authorization = `Bearer ${agent.apiSecret}`;
  let response: Response;
  try {
    response = await fetch(`${base}/task_logs/${encodeURIComponent(source.identifier)}?follow=1`, {
      headers,
      signal: abort.signal,
    });
  } catch (err) {
    source.log.debug({ err, agent: agent.id }, 'task log follow: agent unreachable');
    return `agent ${agent.hostname} cannot be reached`;
  }
  if (response.status !== 200 || !response.body) {
    await response.body?.cancel();
    return `agent ${agent.hostname} answered ${response.status} for this log`;
  }
  const batcher = new LineBatcher(stream);
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body) {
      batcher.push(decoder.decode(chunk as Uint8Array, { stream: true }));
    }
    batcher.push(decoder.decode());
    batcher.end();
  } catch (err) {
    // Lines were sent already: falling back to the stored copy would repeat them, so report and stop.
    if (!stream.closed) {
      source.log.debug({ err, agent: agent.id }, 'task log follow: agent stream broke');
      stream.send('log.error', { type: 'error', error: `the connection to agent ${agent.hostname} broke` });
      stream.close();
    }
    return 'done';
  }
  stream.send('end', { type: 'end', source: 'agent' });
  stream.close();
  return 'done';
}

/**
 * `drover logs <job> <frame> [-f]`: the log of a task's latest attempt (or `--attempt N`).
 *
 * The master's live stream (`GET /task_logs/<id>/stream`, Server-Sent Events) gives the log from its
 * first line, live from the agent while the task runs, and from the master's store once it is uploaded.
 * Without `-f` the stored file is read when there is one; a log still on its agent is streamed until the
 * agent has sent what it holds. Masters without the live stream are followed by polling the stored file.
 *
 * Each row prints its message: process output as it is, the agent's and the job type's own notes
 * prefixed `[agent]` / `[jobtype]`; `--timestamps` adds the time of each row, `--json` prints one JSON
 * object per row.
 */
import type { Static } from 'typebox';
import type { TaskLogStreamMessage, TaskLogLine } from '../../../api/schemas/live.js';
import type { TaskLogListItem } from '../../../api/schemas/task-logs.js';
import type { TaskView } from '../../../api/schemas/tasks.js';
import { CliExit, type CliIO } from '../../io.js';
import { EXIT_NOT_FOUND, MasterError } from '../client-errors.js';
import { openClient } from '../client-command.js';
import type { ClientOptions } from '../client-options.js';
import { segment, type MasterClient } from '../master-client.js';
import type { Style } from '../output/style.js';
import { logRowOf, parseCsvRows, streamName, type LogRow } from './csv-rows.js';
import { readSse } from './sse-reader.js';

type Task = Static<typeof TaskView>;

export interface LogsOptions extends ClientOptions {
  follow?: boolean;
  attempt?: number;
  timestamps?: boolean;
}

/** After the first lines of a log still on its agent, this much silence means "caught up" (no -f). */
const CAUGHT_UP_MS = 700;
const POLL_MS = 1000;

async function findTask(client: MasterClient, job: string, frame: number): Promise<Task> {
  const tasks = await client.get<Task[]>(`/jobs/${segment(job)}/tasks/`);
  const matching = tasks.filter((t) => Math.abs(t.frame - frame) < 1e-9);
  if (matching.length === 0) {
    const frames = tasks.map((t) => t.frame);
    const range = frames.length === 0 ? 'it has no tasks' : `its frames are ${frames[0]}…${frames.at(-1)}`;
    throw new CliExit(EXIT_NOT_FOUND, `job ${job} has no task for frame ${frame} (${range})`);
  }
  // Tiled frames have several tasks; the first tile's log stands for the frame.
  return matching[0]!;
}

async function findLog(client: MasterClient, job: string, task: Task, attempt: number | undefined) {
  const attempts =
    attempt !== undefined
      ? [attempt]
      : Array.from({ length: task.attempts + 1 }, (_, i) => task.attempts - i);
  for (const n of attempts) {
    const logs = await client.get<Static<typeof TaskLogListItem>[]>(
      `/jobs/${segment(job)}/tasks/${task.id}/attempts/${n}/logs/`,
    );
    if (logs.length > 0) {
      const latest = [...logs].sort((a, b) => a.created_on.localeCompare(b.created_on)).at(-1)!;
      return { identifier: latest.identifier, attempt: n };
    }
  }
  return undefined;
}

function printer(io: CliIO, options: LogsOptions, style: Style) {
  let printed = 0;
  return {
    get printed() {
      return printed;
    },
    /** Prints rows numbered above what was printed (the polling fallback re-reads whole files). */
    rows(rows: readonly LogRow[]) {
      for (const row of rows) {
        if (row.line <= printed) continue;
        printed = row.line;
        if (options.json) {
          io.stdout.write(`${JSON.stringify(row)}\n`);
          continue;
        }
        const source = row.stream === 'internal' ? '[agent] ' : row.stream === 'jobtype' ? '[jobtype] ' : '';
        const time = options.timestamps ? `${style.dim(row.time)} ` : '';
        const text = source
          ? style.dim(source + row.message)
          : row.stream === 'stderr'
            ? style.red(row.message)
            : row.message;
        io.stdout.write(`${time}${text}\n`);
      }
    },
  };
}

type Printer = ReturnType<typeof printer>;

const lineToRow = (l: Static<typeof TaskLogLine>): LogRow => ({
  time: l.time,
  stream: streamName(l.stream),
  line: l.line,
  message: l.message,
});

/**
 * Streams the log; resolves true when the stream ended, false when `stopWhenQuiet` cut it short, and
 * undefined when the master has no live stream.
 */
async function streamLog(client: MasterClient, identifier: string, print: Printer, stopWhenQuiet: boolean) {
  let response: Response;
  try {
    response = await client.send('GET', `/task_logs/${segment(identifier)}/stream`, {
      headers: { accept: 'text/event-stream' },
      timeoutMs: 0,
    });
  } catch (err) {
    if (err instanceof MasterError && err.status === 404 && /no such route/i.test(err.message))
      return undefined;
    throw err;
  }
  const body = response.body;
  if (!body) return true;
  const messages = readSse(body);
  let timer: NodeJS.Timeout | undefined;
  const quiet = () =>
    new Promise<'quiet'>((resolve) => {
      timer = setTimeout(() => resolve('quiet'), CAUGHT_UP_MS);
    });
  try {
    for (;;) {
      const next = messages.next();
      const winner = stopWhenQuiet && print.printed > 0 ? await Promise.race([next, quiet()]) : await next;
      clearTimeout(timer);
      if (winner === 'quiet') return false;
      if (winner.done) return true;
      const message = JSON.parse(winner.value.data) as Static<typeof TaskLogStreamMessage>;
      if (message.type === 'lines') print.rows(message.lines.map(lineToRow));
      else if (message.type === 'end') return true;
      else if (message.type === 'error') throw new CliExit(1, `the log stream broke: ${message.error}`);
    }
  } finally {
    clearTimeout(timer);
    await messages.return(undefined);
  }
}

/** The stored file's rows; undefined while the log is still on its agent (the master answers 307). */
async function readStoredLog(
  client: MasterClient,
  job: string,
  task: Task,
  attempt: number,
  identifier: string,
) {
  const response = await client.send(
    'GET',
    `/jobs/${segment(job)}/tasks/${task.id}/attempts/${attempt}/logs/${segment(identifier)}/logfile`,
    { headers: { accept: 'text/csv' }, redirect: 'manual' },
  );
  if (response.status === 307) {
    await response.body?.cancel();
    return undefined;
  }
  const { rows } = parseCsvRows(await response.text());
  return rows.map(logRowOf).filter((r): r is LogRow => r !== undefined);
}

export async function showLogs(io: CliIO, job: string, frame: number, options: LogsOptions): Promise<void> {
  const { client, out } = openClient(io, options);
  let task = await findTask(client, job, frame);
  let log = await findLog(client, job, task, options.attempt);
  while (!log) {
    if (!options.follow || task.state === 'done' || task.state === 'failed') {
      throw new CliExit(
        EXIT_NOT_FOUND,
        `frame ${frame} of job ${job} has no log yet (task ${task.id} is ${task.state})`,
      );
    }
    // Following a task that has not started yet: wait for its log to appear.
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    task = await client.get<Task>(`/jobs/${segment(job)}/tasks/${task.id}`);
    log = await findLog(client, job, task, options.attempt);
  }
  const print = printer(io, options, out.style);

  if (!options.follow) {
    const stored = await readStoredLog(client, job, task, log.attempt, log.identifier);
    if (stored) return print.rows(stored);
    if ((await streamLog(client, log.identifier, print, true)) === undefined) {
      throw new CliExit(1, `the log of frame ${frame} is still on its agent; follow it with -f`);
    }
    return;
  }

  if ((await streamLog(client, log.identifier, print, false)) !== undefined) return;
  // No live stream on this master: poll the stored file until the task has finished and its log is in.
  for (;;) {
    const stored = await readStoredLog(client, job, task, log.attempt, log.identifier);
    if (stored) print.rows(stored);
    const finished = task.state === 'done' || task.state === 'failed' || task.attempts !== log.attempt;
    if (finished && stored) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    task = await client.get<Task>(`/jobs/${segment(job)}/tasks/${task.id}`);
  }
}

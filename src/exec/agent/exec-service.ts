/**
 * The agent's side of `POST /api/v1/exec` (src/api/agent-exec): runs the requested command on this host,
 * or — for a gateway in tree mode — forwards it to the agents listed in the request, and streams
 * ExecEvents back. The HTTP route (authentication, the `agent_remote_exec` switch, the response stream)
 * lives with the agent; this is the part that knows how to run things.
 */
import type { ExecEvent, ExecRequest } from '../../api/agent-exec/index.js';
import { NodeSet } from '../../nodeset/index.js';
import { TopologyError } from '../errors.js';
import { Task } from '../task.js';
import { relayEvents } from '../tree/gateway.js';
import { Topology } from '../tree/topology.js';
import { runProcess } from '../transports/process-transport.js';
import { staticAgentDirectory } from './agent-directory.js';
import { agentTransport } from './agent-transport.js';

export interface ExecServiceOptions {
  /** Forwarded calls present the caller's credentials to the next agents. */
  authorization?: string;
  /** Fires when the caller went away: the command is killed. */
  signal?: AbortSignal;
}

function runHere(
  body: ExecRequest,
  emit: (event: ExecEvent) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((resolve) => {
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const handle = runProcess(
      { shell: body.command },
      { stderr: body.stderr !== false, stdin: body.input !== undefined },
      {
        output: (stream, chunk) => emit({ event: 'output', stream, data: chunk.toString('base64') }),
        end: (result) => {
          if (timer) clearTimeout(timer);
          signal?.removeEventListener('abort', kill);
          if (result.kind === 'exit') emit({ event: 'exit', rc: result.rc });
          else if (result.kind === 'killed' && timedOut) emit({ event: 'timeout' });
          else if (result.kind === 'failed') emit({ event: 'error', message: result.error.message });
          resolve();
        },
      },
    );
    function kill(): void {
      handle.kill();
    }
    if (body.timeout !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        handle.kill();
      }, body.timeout * 1000);
    }
    signal?.addEventListener('abort', kill, { once: true });
    if (signal?.aborted) kill();
    if (body.input !== undefined) {
      handle.write(Buffer.from(body.input, 'base64'));
      handle.endInput();
    }
  });
}

async function forward(
  body: ExecRequest,
  emit: (event: ExecEvent) => void,
  options: ExecServiceOptions,
): Promise<void> {
  const forward = body.forward!;
  const task = new Task({
    info: {
      ...(forward.fanout !== undefined ? { fanout: forward.fanout } : {}),
      ...(forward.connect_timeout !== undefined ? { connect_timeout: forward.connect_timeout } : {}),
    },
    defaults: {
      distant_worker: agentTransport({
        directory: staticAgentDirectory(forward.agents),
        ...(options.authorization ? { authorization: options.authorization } : {}),
      }),
    },
  });
  if (forward.routes.length > 0) {
    try {
      // The schema holds each route to exactly two node sets.
      const routes = forward.routes.map(([src, dst]) => [src!, dst!] as const);
      task.topology = Topology.fromRoutes(routes, forward.gateway);
    } catch (error) {
      // The last gateway level reaches its targets directly.
      if (!(error instanceof TopologyError)) throw error;
    }
  }
  const worker = task.shell(body.command, {
    nodes: NodeSet.parse(forward.nodes),
    handler: relayEvents(emit, task),
    stderr: body.stderr !== false,
    stdin: body.input !== undefined,
    ...(body.timeout !== undefined ? { timeout: body.timeout } : {}),
  });
  if (body.input !== undefined) {
    worker.write(Buffer.from(body.input, 'base64'));
    worker.setWriteEof();
  }
  const abort = (): void => void task.abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    await task.run();
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
}

/** Runs one request, emitting its events, and always ends with `{"event":"end"}` or an error event. */
export async function serveExec(
  body: ExecRequest,
  emit: (event: ExecEvent) => void,
  options: ExecServiceOptions = {},
): Promise<void> {
  try {
    if (body.forward) await forward(body, emit, options);
    else await runHere(body, emit, options.signal);
    emit({ event: 'end' });
  } catch (error) {
    emit({ event: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Transports that reach a node by running a local process (`exec`, `ssh`): they only say how to build
 * the command line for a node; spawning, output, input and the end status are handled here.
 *
 * Each command runs in its own process group, so that a timeout or an abort kills it with everything it
 * started (ClusterShell kills the direct child only, and a `sleep` it started could hold the output open).
 * When stderr is merged into stdout, shell commands get `exec 2>&1;` in front so both streams share one
 * pipe and keep their relative order; what still reaches the stderr pipe (the shell's own parse errors)
 * is reported as stdout too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { TransportError } from '../errors.js';
import { encodeGatewayInput, encodeGatewayRequest, GatewayEventDecoder } from '../tree/gateway-protocol.js';
import type { GatewayRequest } from '../tree/gateway-protocol.js';
import type {
  GatewaySink,
  InfoReader,
  RunEnd,
  RunHandle,
  RunRequest,
  RunSink,
  StreamName,
  Transport,
} from '../transport.js';

/** A command line: a shell command (`/bin/sh -c`), or an argument vector run without a shell. */
export type SpawnCommand = { shell: string } | { argv: readonly string[] };

export interface ProcessTransportSpec {
  name: string;
  copies: boolean;
  templates: boolean;
  /** The command that performs `request` on its node. */
  buildCommand(request: RunRequest): SpawnCommand;
  /** The command that runs `gatewayCommand` (a shell command line) on `gateway`. */
  buildGatewayCommand(gateway: string, gatewayCommand: string, info: InfoReader): SpawnCommand;
}

interface SpawnOptions {
  stderr: boolean;
  stdin: boolean;
}

const SIGNALS = constants.signals as Record<string, number>;

function argvOf(command: SpawnCommand, mergeStderr: boolean): readonly string[] {
  if ('shell' in command)
    return ['/bin/sh', '-c', mergeStderr ? `exec 2>&1; ${command.shell}` : command.shell];
  return mergeStderr ? ['/bin/sh', '-c', 'exec "$@" 2>&1', 'sh', ...command.argv] : command.argv;
}

/** Runs `command` and reports to `sink`; never throws (a failure to start is reported as `failed`). */
export function runProcess(command: SpawnCommand, options: SpawnOptions, sink: RunSink): RunHandle {
  const [file, ...args] = argvOf(command, !options.stderr);
  let child: ChildProcess | undefined;
  let ended = false;
  let killed = false;
  const end = (result: RunEnd): void => {
    if (ended) return;
    ended = true;
    sink.end(result);
  };
  try {
    child = spawn(file!, args, {
      stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      detached: true,
    });
  } catch (error) {
    queueMicrotask(() => end({ kind: 'failed', error: error as Error }));
  }
  if (child) {
    const proc = child;
    const errStream: StreamName = options.stderr ? 'stderr' : 'stdout';
    proc.stdout!.on('data', (chunk: Buffer) => sink.output('stdout', chunk));
    proc.stderr!.on('data', (chunk: Buffer) => sink.output(errStream, chunk));
    proc.stdin?.on('error', () => {
      // The command stopped reading (EPIPE): what it did not read is dropped, as with ClusterShell.
    });
    proc.on('error', (error: NodeJS.ErrnoException) => {
      end({
        kind: 'failed',
        error: new TransportError('process', file!, `${file}: ${error.message}`, { cause: error }),
      });
    });
    proc.on('close', (code, signal) => {
      if (code !== null) end({ kind: 'exit', rc: code });
      else if (killed) end({ kind: 'killed' });
      else end({ kind: 'exit', rc: 128 + (SIGNALS[signal ?? ''] ?? 0) });
    });
  }
  return {
    write(data) {
      const stdin = child?.stdin;
      if (!stdin || stdin.destroyed || stdin.writableEnded) return;
      stdin.write(data, (error) => {
        if (!error) sink.written?.(data.length);
      });
    },
    endInput() {
      const stdin = child?.stdin;
      if (stdin && !stdin.writableEnded) stdin.end();
    },
    kill() {
      if (!child || ended || child.exitCode !== null || child.signalCode !== null) return;
      killed = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // The group is gone already (or never formed): kill the process itself.
        child.kill('SIGKILL');
      }
    },
    pause() {
      child?.stdout?.pause();
      child?.stderr?.pause();
    },
    resume() {
      child?.stdout?.resume();
      child?.stderr?.resume();
    },
  };
}

/** A gateway channel over a process: the request and input go to its stdin, events come on stdout. */
function runGatewayProcess(command: SpawnCommand, request: GatewayRequest, sink: GatewaySink): RunHandle {
  const decoder = new GatewayEventDecoder();
  const stderrLines: string[] = [];
  let failure: Error | undefined;
  const handle = runProcess(
    command,
    { stderr: true, stdin: true },
    {
      output(stream, chunk) {
        if (stream === 'stderr') {
          stderrLines.push(chunk.toString('utf8'));
          return;
        }
        try {
          for (const event of decoder.push(chunk)) sink.event(event);
          // The gateway is done: close its input so that it can exit even if ours is still open.
          if (decoder.finished) handle.endInput();
        } catch (error) {
          failure ??= error as Error;
          handle.kill();
        }
      },
      end(result) {
        const tail = stderrLines.join('').trim().split('\n').slice(-12).join(' | ');
        if (failure) sink.end(failure);
        else if (result.kind === 'failed') sink.end(result.error);
        else if (!decoder.finished) {
          const how = result.kind === 'exit' ? `exited with code ${result.rc}` : 'was stopped';
          sink.end(new Error(tail ? `${how}: ${tail}` : how));
        } else sink.end();
      },
    },
  );
  handle.write(Buffer.from(encodeGatewayRequest(request)));
  return {
    ...handle,
    write: (data) => handle.write(Buffer.from(encodeGatewayInput(data))),
    endInput: () => {
      handle.write(Buffer.from(encodeGatewayInput(undefined)));
      handle.endInput();
    },
  };
}

export function processTransport(spec: ProcessTransportSpec): Transport {
  return {
    name: spec.name,
    copies: spec.copies,
    templates: spec.templates,
    start: (request, sink) =>
      runProcess(spec.buildCommand(request), { stderr: request.stderr, stdin: request.stdin }, sink),
    startGateway(gateway, request, sink, info) {
      const gatewayCommand = String(info('gateway_command') ?? 'drover exec --gateway');
      return runGatewayProcess(spec.buildGatewayCommand(gateway, gatewayCommand, info), request, sink);
    },
  };
}

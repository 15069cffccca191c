/**
 * The one interface every way of reaching a node implements (`exec`, `ssh`, `agent`). A transport starts
 * an action for one node and streams back raw output chunks and an end status; the worker above it does
 * the rest (line splitting, events, gathering, fanout, timeouts). Process-based transports only say how
 * to build the command line for a node (see process-transport.ts). Tree mode asks a transport for one
 * more thing: a channel to a gateway that runs the action on many nodes and reports per node.
 */
import type { Action } from './action.js';
import type { GatewayEvent, GatewayRequest } from './tree/gateway-protocol.js';

export type { Action } from './action.js';

export type StreamName = 'stdout' | 'stderr';

/** Read access to the task's info keys (connect_timeout, ssh_options, ...). */
export type InfoReader = <K extends string>(key: K) => unknown;

export interface RunRequest {
  /** The node name, or the folded node set for a `%hosts` command run once for all nodes. */
  key: string;
  /** 0-based index of the node in the worker's node set (0 for `%hosts`). */
  rank: number;
  action: Action;
  /** Keep stderr apart; when false it is merged into stdout. */
  stderr: boolean;
  /** Whether input may be written; when false the command reads end of file at once. */
  stdin: boolean;
  info: InfoReader;
}

/** How a run ended: its return code, or no code because it was killed on request (abort, timeout). */
export type RunEnd = { kind: 'exit'; rc: number } | { kind: 'killed' } | { kind: 'failed'; error: Error };

export interface RunSink {
  output(stream: StreamName, chunk: Buffer): void;
  /** Bytes of input handed to the command. */
  written?(bytes: number): void;
  /** Called exactly once, after the last output. */
  end(result: RunEnd): void;
}

/** A started run: feed its input, stop it, or hold its output while the task is suspended. */
export interface RunHandle {
  write(data: Buffer): void;
  endInput(): void;
  /** Stops the run now; `end` follows (with the exit code if it had already exited on its own). */
  kill(): void;
  pause(): void;
  resume(): void;
}

/** Gateway channels report already-split lines, per node (see tree/gateway-protocol.ts). */
export interface GatewaySink {
  event(event: GatewayEvent): void;
  /** The channel is closed; `error` when it broke (the gateway could not be reached or died). */
  end(error?: Error): void;
}

export interface Transport {
  readonly name: string;
  /** Whether `copy`/`rcopy` actions are supported. */
  readonly copies: boolean;
  /**
   * Whether the transport fills `%h`/`%n` placeholders in commands and paths (the local `exec`
   * transport). Others pass the command as given, for the remote shell.
   */
  readonly templates: boolean;
  start(request: RunRequest, sink: RunSink): RunHandle;
  /** Opens a channel to `gateway`, which runs `request` on its targets (tree mode). */
  startGateway(gateway: string, request: GatewayRequest, sink: GatewaySink, info: InfoReader): RunHandle;
}

/**
 * The gateway side of tree mode (`drover exec --gateway`): read a GatewayRequest, run its action on the
 * targets (through further gateways if the topology says so), stream every node's events back, and
 * forward the input that follows the request to the commands. See gateway-protocol.ts.
 */
import { NodeSet } from '../../nodeset/index.js';
import { TopologyError } from '../errors.js';
import { Task } from '../task.js';
import type { Transport } from '../transport.js';
import type { Worker, WorkerEventHandler } from '../worker.js';
import {
  encodeGatewayEvent,
  NdjsonDecoder,
  parseGatewayInput,
  parseGatewayRequest,
  type GatewayEvent,
  type GatewayRequest,
} from './gateway-protocol.js';
import { Topology } from './topology.js';

export interface GatewayOptions {
  /** This gateway's name in the topology. */
  name: string;
  input: AsyncIterable<Buffer | string>;
  write(text: string): void;
  /** The transports the gateway may use to reach its targets, by name. */
  transports: Readonly<Record<string, Transport>>;
}

/** Messages read from the input, one at a time. */
class MessageReader {
  private readonly decoder = new NdjsonDecoder();
  private readonly queue: unknown[] = [];
  private readonly iterator: AsyncIterator<Buffer | string>;
  private done = false;

  constructor(input: AsyncIterable<Buffer | string>) {
    this.iterator = input[Symbol.asyncIterator]();
  }

  /** The next message, or undefined at the end of the input. */
  async next(): Promise<unknown> {
    while (this.queue.length === 0 && !this.done) {
      const { value, done } = await this.iterator.next();
      if (done) this.done = true;
      else this.queue.push(...this.decoder.push(value));
    }
    return this.queue.shift();
  }
}

/**
 * A handler that streams every node event of a forwarding task back to the caller; output is not kept
 * in the task, it goes straight back.
 */
export function relayEvents(emit: (event: GatewayEvent) => void, task: Task): WorkerEventHandler {
  task.setDefault('stdout_msgtree', false);
  task.setDefault('stderr_msgtree', false);
  return {
    pickup: (_w, node) => emit({ event: 'pickup', node }),
    read: (_w, node, stream, line) => emit({ event: 'line', node, stream, data: line.toString('base64') }),
    hangup: (_w, node, rc) => emit({ event: 'exit', node, rc }),
    close: (worker) => {
      for (const node of worker.iterKeysTimeout()) emit({ event: 'timeout', node });
    },
  };
}

function taskFor(request: GatewayRequest, options: GatewayOptions): { task: Task; worker: Worker } {
  const transport = options.transports[request.transport];
  if (!transport)
    throw new TopologyError(`gateway ${options.name} cannot use the ${request.transport} transport`);
  const task = new Task({ info: request.info, defaults: { distant_worker: transport } });
  if (request.routes.length > 0) {
    try {
      task.topology = Topology.fromRoutes(request.routes, options.name);
    } catch (error) {
      // A last-level gateway is not a source of any route: it reaches its targets directly.
      if (!(error instanceof TopologyError)) throw error;
    }
  }
  const handler = relayEvents((event) => options.write(encodeGatewayEvent(event)), task);
  const nodes = NodeSet.parse(request.nodes);
  const common = { handler, timeout: request.timeout, stderr: request.stderr, stdin: request.stdin };
  const { action } = request;
  const worker =
    action.kind === 'shell'
      ? task.shell(action.command, { ...common, nodes })
      : action.reverse
        ? task.rcopy(action.source, action.dest, { ...common, nodes, preserve: action.preserve })
        : task.copy(action.source, action.dest, { ...common, nodes, preserve: action.preserve });
  return { task, worker };
}

/** Runs one gateway request; resolves to the process exit code. */
export async function runGateway(options: GatewayOptions): Promise<number> {
  const reader = new MessageReader(options.input);
  const emitError = (error: unknown): number => {
    options.write(
      encodeGatewayEvent({ event: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
    return 1;
  };
  let task: Task;
  let worker: Worker;
  try {
    const first = await reader.next();
    if (first === undefined) return emitError(new Error('no request received'));
    ({ task, worker } = taskFor(parseGatewayRequest(first), options));
  } catch (error) {
    return emitError(error);
  }
  let running = true;
  const forwardInput = async (): Promise<void> => {
    while (running) {
      const message = await reader.next();
      if (!running) return;
      const data = message === undefined ? undefined : parseGatewayInput(message);
      if (data === undefined) {
        worker.setWriteEof();
        return;
      }
      worker.write(data);
    }
  };
  const input = forwardInput().catch((error: unknown) => {
    emitError(error);
    worker.setWriteEof();
  });
  try {
    await task.run();
  } catch (error) {
    return emitError(error);
  } finally {
    running = false;
  }
  void input;
  options.write(encodeGatewayEvent({ event: 'end' }));
  return 0;
}

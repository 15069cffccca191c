/**
 * The `agent` transport: runs the command on Drover agents through their authenticated REST API
 * (`POST /api/v1/exec`, src/api/agent-exec) instead of ssh. Node names are agent host names, resolved by
 * an AgentDirectory (the master's agent list). An agent that cannot run the command — unknown, not
 * reachable, refusing (remote exec disabled, bad credentials) — is reported like ssh reports a failed
 * connection: a line on the node's stderr and return code 255.
 *
 * The agent reads the whole input with the request, so when input is allowed the call waits for the end
 * of input (`drover exec -n` runs at once). In tree mode, a gateway agent receives the targets' addresses
 * and forwards the command to them (`forward` in the request).
 */
import type { ExecRequest } from '../../api/agent-exec/index.js';
import { NodeSet } from '../../nodeset/index.js';
import { WorkerError } from '../errors.js';
import type { GatewayRequest } from '../tree/gateway-protocol.js';
import type { InfoReader, RunHandle, StreamName, Transport } from '../transport.js';
import type { AgentDirectory } from './agent-directory.js';
import { AgentRefusalError, callExec, type ExecCall } from './agent-client.js';

/** ssh's return code for "could not run the command there". */
export const AGENT_FAILURE_RC = 255;

export interface AgentTransportOptions {
  directory: AgentDirectory;
  /** `Authorization` header for the agents' API (HTTP Basic with the agents' API user, typically). */
  authorization?: string;
}

/** `Basic` credentials for the agents' API. */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function connectTimeout(info: InfoReader): number {
  return Number(info('connect_timeout') ?? 0);
}

/** Collects input until its end, then starts the call; shared by direct runs and gateway channels. */
class DeferredCall implements RunHandle {
  private readonly input: Buffer[] = [];
  private inputEnded: boolean;
  private call: ExecCall | undefined;
  private stopped = false;
  private paused = false;

  constructor(
    withInput: boolean,
    private readonly launch: (input: Buffer | undefined) => Promise<ExecCall | undefined>,
    private readonly onStopped: () => void,
  ) {
    this.inputEnded = !withInput;
    if (this.inputEnded) queueMicrotask(() => this.go());
  }

  private go(): void {
    if (this.stopped) return;
    const input = this.input.length > 0 ? Buffer.concat(this.input) : undefined;
    this.launch(input).then(
      (call) => {
        this.call = call;
        if (this.stopped) call?.abort();
        else if (this.paused) call?.pause();
      },
      () => {
        // launch reports its own failures to the sink.
      },
    );
  }

  write(data: Buffer): void {
    if (!this.inputEnded) this.input.push(data);
  }

  endInput(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    this.go();
  }

  kill(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.call) this.call.abort();
    else this.onStopped();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  pause(): void {
    this.paused = true;
    this.call?.pause();
  }

  resume(): void {
    this.paused = false;
    this.call?.resume();
  }
}

export function agentTransport(options: AgentTransportOptions): Transport {
  const { directory, authorization } = options;
  return {
    name: 'agent',
    copies: false,
    templates: false,
    start(request, sink) {
      const { action, key, stderr } = request;
      if (action.kind !== 'shell') throw new WorkerError('the agent transport cannot copy files');
      const errStream: StreamName = stderr ? 'stderr' : 'stdout';
      let rc: number | undefined;
      let ended = false;
      const end = (result: Parameters<typeof sink.end>[0]): void => {
        if (ended) return;
        ended = true;
        sink.end(result);
      };
      const fail = (message: string): void => {
        sink.output(errStream, Buffer.from(`agent ${key}: ${message}\n`));
        end({ kind: 'exit', rc: AGENT_FAILURE_RC });
      };
      const handle: DeferredCall = new DeferredCall(
        request.stdin,
        async (input) => {
          let endpoint;
          try {
            endpoint = await directory.find(key);
          } catch (error) {
            fail((error as Error).message);
            return undefined;
          }
          if (handle.isStopped) {
            end({ kind: 'killed' });
            return undefined;
          }
          if (!endpoint) {
            fail('no such agent in the farm');
            return undefined;
          }
          const body: ExecRequest = { command: action.command, stderr };
          if (input) body.input = input.toString('base64');
          return callExec(
            endpoint.url,
            body,
            { authorization, connectTimeout: connectTimeout(request.info) },
            {
              event(event) {
                if (event.event === 'output') sink.output(event.stream, Buffer.from(event.data, 'base64'));
                else if (event.event === 'exit') rc = event.rc;
                else if (event.event === 'error')
                  sink.output(errStream, Buffer.from(`agent ${key}: ${event.message}\n`));
              },
              end(error) {
                if (handle.isStopped) end({ kind: 'killed' });
                else if (rc !== undefined) end({ kind: 'exit', rc });
                else if (error instanceof AgentRefusalError) fail(`refused: ${error.message}`);
                else fail(error ? error.message : 'the agent ended the run without a return code');
              },
            },
          );
        },
        () => end({ kind: 'killed' }),
      );
      return handle;
    },

    startGateway(gateway, request: GatewayRequest, sink, info) {
      const { action } = request;
      if (action.kind !== 'shell') throw new WorkerError('the agent transport cannot copy files');
      let ended = false;
      const end = (error?: Error): void => {
        if (ended) return;
        ended = true;
        sink.end(error);
      };
      const handle: DeferredCall = new DeferredCall(
        request.stdin,
        async (input) => {
          try {
            const gatewayEndpoint = await directory.find(gateway);
            if (!gatewayEndpoint) throw new Error(`no agent named ${gateway} in the farm`);
            // The gateway gets the address of every node it may contact: its targets and the gateways below.
            const reachable = NodeSet.parse(request.nodes);
            for (const [src] of request.routes) reachable.update(src);
            const agents: Record<string, string> = {};
            for (const node of reachable) {
              const endpoint = await directory.find(node);
              if (endpoint) agents[node] = endpoint.url;
            }
            const body: ExecRequest = {
              command: action.command,
              stderr: request.stderr,
              forward: {
                gateway,
                nodes: request.nodes,
                agents,
                routes: request.routes,
                ...(typeof request.info.fanout === 'number' ? { fanout: request.info.fanout } : {}),
                ...(connectTimeout(info) > 0 ? { connect_timeout: connectTimeout(info) } : {}),
              },
            };
            if (request.timeout !== undefined) body.timeout = request.timeout;
            if (input) body.input = input.toString('base64');
            if (handle.isStopped) {
              end();
              return undefined;
            }
            return callExec(
              gatewayEndpoint.url,
              body,
              { authorization, connectTimeout: connectTimeout(info) },
              {
                event: (event) => sink.event(event),
                end: (error, finished) => end(handle.isStopped || finished ? undefined : error),
              },
            );
          } catch (error) {
            end(error as Error);
            return undefined;
          }
        },
        () => end(),
      );
      return handle;
    },
  };
}

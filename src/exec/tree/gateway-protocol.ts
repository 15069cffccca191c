/**
 * What travels between a task and a gateway in tree mode (`drover exec --gateway`, started over the
 * transport on the gateway node). Both directions are newline-delimited JSON:
 *   to the gateway:   one GatewayRequest line, then {"input":"<base64>"} lines and {"eof":true}
 *   from the gateway: ExecEvent lines (the agent exec endpoint's events: pickup, line, exit, timeout,
 *                     error), ending with {"event":"end"}
 * The events are the agent endpoint's, so one decoder serves both kinds of gateways.
 */
import type { ExecEvent } from '../../api/agent-exec/index.js';
import { ExecError } from '../errors.js';
import type { Action } from '../action.js';

export type GatewayEvent = ExecEvent;

export class GatewayProtocolError extends ExecError {
  readonly code = 'gateway_protocol';

  constructor(
    message: string,
    /** The offending line, cut to 200 characters. */
    readonly line: string,
  ) {
    super(message);
  }
}

/** Info keys a gateway inherits from the task that calls it. */
export const FORWARDED_INFO_KEYS = [
  'fanout',
  'connect_timeout',
  'command_timeout',
  'ssh_path',
  'ssh_user',
  'ssh_options',
  'scp_path',
  'scp_user',
  'scp_options',
  'gateway_command',
] as const;

export interface GatewayRequest {
  /** The targets behind this gateway, folded. */
  nodes: string;
  action: Action;
  /** How the gateway reaches its targets (and further gateways): `ssh`, `exec`, `agent`. */
  transport: string;
  stderr: boolean;
  stdin: boolean;
  /** Command timeout in seconds, applied by the gateway. */
  timeout?: number;
  info: Record<string, string | number | boolean>;
  /** The whole topology, so that the gateway can route further down. */
  routes: [string, string][];
}

const STREAMS = new Set(['stdout', 'stderr']);

function optionalNode(e: Record<string, unknown>): boolean {
  return e.node === undefined || (typeof e.node === 'string' && e.node.length > 0);
}

/**
 * Whether `value` is an ExecEvent. Written out instead of compiled from the TypeBox schema: loading
 * TypeBox costs most of a second at start-up; gateway-protocol.test.ts checks both agree.
 */
export function isExecEvent(value: unknown): value is ExecEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const e = value as Record<string, unknown>;
  const node = typeof e.node === 'string' && e.node.length > 0;
  switch (e.event) {
    case 'output':
      return STREAMS.has(e.stream as string) && typeof e.data === 'string';
    case 'pickup':
      return node;
    case 'line':
      return node && STREAMS.has(e.stream as string) && typeof e.data === 'string';
    case 'exit':
      return optionalNode(e) && Number.isInteger(e.rc) && (e.rc as number) >= 0;
    case 'timeout':
      return optionalNode(e);
    case 'error':
      return optionalNode(e) && typeof e.message === 'string';
    case 'end':
      return true;
    default:
      return false;
  }
}

export function encodeGatewayRequest(request: GatewayRequest): string {
  return `${JSON.stringify(request)}\n`;
}

/** Input for the commands behind the gateway; `undefined` means end of input. */
export function encodeGatewayInput(data: Buffer | undefined): string {
  return data === undefined ? '{"eof":true}\n' : `${JSON.stringify({ input: data.toString('base64') })}\n`;
}

export function encodeGatewayEvent(event: GatewayEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/** Splits NDJSON into parsed values; a line that is not JSON is a protocol error. */
export class NdjsonDecoder {
  private rest = '';

  push(chunk: Buffer | string): unknown[] {
    const text = this.rest + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    const lines = text.split('\n');
    this.rest = lines.pop()!;
    const values: unknown[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        values.push(JSON.parse(line));
      } catch {
        throw new GatewayProtocolError('the gateway sent a line that is not JSON', line.slice(0, 200));
      }
    }
    return values;
  }

  get pending(): string {
    return this.rest;
  }
}

/** Decodes the events a gateway (or an agent) streams back, checking each against the schema. */
export class GatewayEventDecoder {
  private readonly lines = new NdjsonDecoder();
  /** True once `{"event":"end"}` arrived: the stream ended properly. */
  finished = false;

  push(chunk: Buffer | string): GatewayEvent[] {
    const events: GatewayEvent[] = [];
    for (const value of this.lines.push(chunk)) {
      if (!isExecEvent(value)) {
        throw new GatewayProtocolError(
          'the gateway sent an unknown event',
          JSON.stringify(value).slice(0, 200),
        );
      }
      if (value.event === 'end') this.finished = true;
      else events.push(value);
    }
    return events;
  }
}

function isAction(value: unknown): value is Action {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Record<string, unknown>;
  if (a.kind === 'shell') return typeof a.command === 'string';
  return (
    a.kind === 'copy' &&
    typeof a.source === 'string' &&
    typeof a.dest === 'string' &&
    typeof a.preserve === 'boolean' &&
    typeof a.reverse === 'boolean' &&
    typeof a.recursive === 'boolean'
  );
}

/** Checks the first line a gateway receives. */
export function parseGatewayRequest(value: unknown): GatewayRequest {
  const r = value as Partial<GatewayRequest> | null;
  const bad = (what: string): never => {
    throw new GatewayProtocolError(`bad gateway request: ${what}`, JSON.stringify(value).slice(0, 200));
  };
  if (typeof r !== 'object' || r === null) return bad('not an object');
  if (typeof r.nodes !== 'string' || r.nodes === '') bad('nodes');
  if (!isAction(r.action)) bad('action');
  if (typeof r.transport !== 'string') bad('transport');
  if (typeof r.stderr !== 'boolean' || typeof r.stdin !== 'boolean') bad('stderr/stdin');
  if (r.timeout !== undefined && !(typeof r.timeout === 'number' && r.timeout > 0)) bad('timeout');
  if (typeof r.info !== 'object' || r.info === null) bad('info');
  if (!Array.isArray(r.routes) || !r.routes.every((x) => Array.isArray(x) && x.length === 2)) bad('routes');
  return r as GatewayRequest;
}

/** Input messages after the request: bytes for the commands, or the end of input. */
export function parseGatewayInput(value: unknown): Buffer | undefined {
  const m = value as { input?: unknown; eof?: unknown } | null;
  if (m && typeof m.input === 'string') return Buffer.from(m.input, 'base64');
  if (m && m.eof === true) return undefined;
  throw new GatewayProtocolError('bad gateway input message', JSON.stringify(value).slice(0, 200));
}

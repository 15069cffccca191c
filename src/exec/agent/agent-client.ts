/**
 * One `POST <agent>/api/v1/exec` call: sends an ExecRequest and streams back the agent's ExecEvents
 * (see src/api/agent-exec). Plain node:http, so that the connect timeout is the connection's own and a
 * stopped run closes its connection at once (the agent then kills the command).
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { EXEC_CONTENT_TYPE, EXEC_PATH } from '../../api/agent-exec/constants.js';
import type { ExecEvent, ExecRequest } from '../../api/agent-exec/index.js';
import { GatewayEventDecoder } from '../tree/gateway-protocol.js';

export interface ExecCallOptions {
  /** The `Authorization` header for the agent's API. */
  authorization?: string;
  /** Seconds to establish the connection; none when not positive. */
  connectTimeout?: number;
}

export interface ExecCallSink {
  event(event: ExecEvent): void;
  /** The call is over: `error` when it failed (refused, unreachable, cut); `finished` when the stream ended properly. */
  end(error: Error | undefined, finished: boolean): void;
}

export interface ExecCall {
  abort(): void;
  pause(): void;
  resume(): void;
}

/** The agent's refusal (non-200 answer), with its status and `{"error"}` text. */
export class AgentRefusalError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`${status} ${detail}`);
    this.name = 'AgentRefusalError';
  }
}

export function callExec(
  baseUrl: string,
  body: ExecRequest,
  options: ExecCallOptions,
  sink: ExecCallSink,
): ExecCall {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${EXEC_PATH}`);
  const payload = Buffer.from(JSON.stringify(body));
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': payload.length,
    // The agent's API answers JSON (errors) or, here, NDJSON.
    accept: `${EXEC_CONTENT_TYPE}, application/json`,
  };
  if (options.authorization) headers.authorization = options.authorization;
  let ended = false;
  let response: IncomingMessage | undefined;
  const end = (error: Error | undefined, finished: boolean): void => {
    if (ended) return;
    ended = true;
    sink.end(error, finished);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  let req: ClientRequest;
  try {
    req = send(url, { method: 'POST', headers });
  } catch (error) {
    queueMicrotask(() => end(error as Error, false));
    return { abort: () => {}, pause: () => {}, resume: () => {} };
  }
  const seconds = options.connectTimeout ?? 0;
  if (seconds > 0) {
    const timer = setTimeout(
      () => req.destroy(new Error(`connection timed out after ${seconds} s`)),
      seconds * 1000,
    );
    req.on('socket', (socket) => {
      if (!socket.connecting) clearTimeout(timer);
      else socket.once('connect', () => clearTimeout(timer));
    });
    req.on('close', () => clearTimeout(timer));
  }
  req.on('error', (error) => end(error, false));
  req.on('response', (res) => {
    response = res;
    if (res.statusCode !== 200) {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let detail = text.trim().slice(0, 300);
        try {
          detail = (JSON.parse(text) as { error?: string }).error ?? detail;
        } catch {
          // not JSON: keep the text
        }
        end(new AgentRefusalError(res.statusCode ?? 0, detail), false);
      });
      res.on('error', (error) => end(error, false));
      return;
    }
    const decoder = new GatewayEventDecoder();
    res.on('data', (chunk: Buffer) => {
      if (ended) return;
      try {
        for (const event of decoder.push(chunk)) sink.event(event);
      } catch (error) {
        end(error as Error, false);
        req.destroy();
      }
    });
    res.on('end', () => end(undefined, decoder.finished));
    res.on('error', (error) => end(error, false));
    res.on('close', () =>
      end(decoder.finished ? undefined : new Error('the agent closed the connection'), decoder.finished),
    );
  });
  req.end(payload);
  return {
    abort: () => {
      if (!ended) req.destroy();
    },
    pause: () => response?.pause(),
    resume: () => response?.resume(),
  };
}

/** What a route handler of the agent's API receives, and the error it throws to answer with a status. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../core/logging.js';
import type { AgentControl, Caller } from './agent-control.js';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: string[];
  caller: Caller;
  body: unknown;
  control: AgentControl;
  logger: Logger;
  json(status: number, body?: unknown): void;
  html(status: number, page: string): void;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * The HTTP boundary's translation of errors: domain errors, Fastify's own (validation, content type,
 * body size) and anything unexpected become `{"error": "..."}` with the right status. Messages name the
 * offending field. Nothing a client sends may produce a 5xx: a 500 here means a bug, is logged with the
 * request id, and its details are never sent to the client.
 */
import type { FastifyError } from 'fastify';
import {
  ConflictError,
  DroverError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from '../../core/errors.js';

export interface ErrorReply {
  status: number;
  body: { error: string } & Record<string, unknown>;
}

interface AjvErrorLike {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** "body/frame must be number" → "frame: must be number"; unknown keys and missing keys get their own words. */
export function describeValidationError(
  errors: readonly AjvErrorLike[],
  context: string | undefined,
): string {
  const first = errors[0];
  if (!first) return 'invalid request';
  const where = context && context !== 'body' ? `${context} ` : '';
  const path = (first.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const params = first.params ?? {};
  switch (first.keyword) {
    case 'additionalProperties':
      return `${where}unknown key ${JSON.stringify(joinPath(path, String(params.additionalProperty)))}`;
    case 'required':
      return `${where}missing required key ${JSON.stringify(joinPath(path, String(params.missingProperty)))}`;
    case 'enum':
      return `${where}${path || 'value'}: must be one of ${JSON.stringify(params.allowedValues)}`;
    default:
      return `${where}${path || (context === 'body' ? 'body' : 'value')}: ${first.message ?? 'is invalid'}`;
  }
}

function joinPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

const FASTIFY_CLIENT_ERRORS: Record<string, (err: FastifyError) => ErrorReply> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (err) => ({
    status: 415,
    body: { error: `unsupported content type: ${err.message.replace(/^Unsupported Media Type:?\s*/i, '')}` },
  }),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => ({ status: 400, body: { error: 'invalid Content-Length' } }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => ({ status: 400, body: { error: 'the JSON body is empty' } }),
  FST_ERR_CTP_INVALID_JSON_BODY: () => ({ status: 400, body: { error: 'the body is not valid JSON' } }),
  FST_ERR_CTP_BODY_TOO_LARGE: () => ({ status: 413, body: { error: 'the body is too large' } }),
  FST_ERR_CTP_INVALID_TYPE: () => ({ status: 415, body: { error: 'invalid Content-Type header' } }),
};

export function errorReply(err: unknown): ErrorReply {
  if (err instanceof DroverError) return domainErrorReply(err);
  const fastifyErr = err as FastifyError & { validation?: AjvErrorLike[]; validationContext?: string };
  if (fastifyErr && Array.isArray(fastifyErr.validation)) {
    return {
      status: 400,
      body: { error: describeValidationError(fastifyErr.validation, fastifyErr.validationContext) },
    };
  }
  const mapped = fastifyErr?.code ? FASTIFY_CLIENT_ERRORS[fastifyErr.code] : undefined;
  if (mapped) return mapped(fastifyErr);
  // JSON parse errors raised by the body parser carry a 400 status but no Fastify code.
  if (err instanceof SyntaxError && (err as { statusCode?: number }).statusCode === 400) {
    return { status: 400, body: { error: 'the body is not valid JSON' } };
  }
  const status = typeof fastifyErr?.statusCode === 'number' ? fastifyErr.statusCode : 500;
  if (status >= 400 && status < 500) return { status, body: { error: fastifyErr.message } };
  return { status: 500, body: { error: 'internal server error' } };
}

function domainErrorReply(err: DroverError): ErrorReply {
  if (err instanceof ValidationError) {
    return { status: 400, body: { error: err.message, ...(err.field ? { field: err.field } : {}) } };
  }
  if (err instanceof NotFoundError) return { status: 404, body: { error: err.message } };
  if (err instanceof ConflictError) return { status: 409, body: { error: err.message } };
  if (err instanceof ForbiddenError) return { status: 403, body: { error: err.message } };
  if (err instanceof UnauthenticatedError) return { status: 401, body: { error: err.message } };
  return { status: 500, body: { error: 'internal server error' } };
}

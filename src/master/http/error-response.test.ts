import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { describeValidationError, errorReply } from './error-response.js';

describe('errorReply', () => {
  it('maps domain errors to their statuses', () => {
    expect(errorReply(new ValidationError('port: out of range', { field: 'port' }))).toEqual({
      status: 400,
      body: { error: 'port: out of range', field: 'port' },
    });
    expect(errorReply(new NotFoundError('job', 7)).status).toBe(404);
    expect(errorReply(new ConflictError('exists')).status).toBe(409);
  });

  it('hides unexpected errors behind a generic 500', () => {
    expect(errorReply(new Error('secret detail'))).toEqual({
      status: 500,
      body: { error: 'internal server error' },
    });
  });

  it('names the field in validation messages', () => {
    expect(
      describeValidationError(
        [{ keyword: 'additionalProperties', params: { additionalProperty: 'x' } }],
        'body',
      ),
    ).toBe('unknown key "x"');
    expect(
      describeValidationError([{ keyword: 'required', params: { missingProperty: 'title' } }], 'body'),
    ).toBe('missing required key "title"');
    expect(
      describeValidationError(
        [{ keyword: 'type', instancePath: '/tasks/0/frame', message: 'must be number' }],
        'body',
      ),
    ).toBe('tasks.0.frame: must be number');
    expect(
      describeValidationError(
        [{ keyword: 'type', instancePath: '/min_ram', message: 'must be integer' }],
        'querystring',
      ),
    ).toBe('querystring min_ram: must be integer');
  });
});

/**
 * The web UI's API client is generated (scripts/gen-web-client.ts): the committed file must be exactly what
 * the generator makes from the current OpenAPI document, so a changed schema cannot go unnoticed in the UI.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_PATH, generateClientSource } from '../../scripts/gen-web-client.js';
import { renderClient } from '../../scripts/web-client/render-client.js';
import { schemaToType } from '../../scripts/web-client/schema-to-type.js';

describe('generated web client', () => {
  it('is up to date (run npm run gen:client)', async () => {
    const expected = await generateClientSource();
    expect(
      readFileSync(CLIENT_PATH, 'utf8') === expected,
      'src/web/api/client.gen.ts is stale: run npm run gen:client',
    ).toBe(true);
  });

  it('turns JSON schemas into TypeScript types', () => {
    expect(schemaToType({ type: 'string', nullable: true })).toBe('string | null');
    expect(schemaToType({ anyOf: [{ type: 'string', enum: ['a'] }, { type: 'integer' }] })).toBe(
      '"a" | number',
    );
    expect(schemaToType({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'null' }] } })).toBe(
      '(string | null)[]',
    );
    expect(
      schemaToType({
        type: 'object',
        required: ['id'],
        properties: { id: { type: 'integer' }, 'x-y': { type: 'boolean', description: 'a */ b' } },
        additionalProperties: false,
      }),
    ).toBe('{ id: number; /** a *\\/ b */ "x-y"?: boolean }');
    expect(
      schemaToType({
        allOf: [
          { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
          { type: 'object', additionalProperties: true },
        ],
      }),
    ).toBe('{ a: string } & { [key: string]: unknown }');
    expect(schemaToType({ type: 'string', format: 'binary' })).toBe('Blob');
    expect(schemaToType({ enum: ['a|b', 'c'] })).toBe('"a|b" | "c"');
    expect(schemaToType({})).toBe('unknown');
  });

  it('makes the options argument required only when a path parameter or a required body needs it', () => {
    const source = renderClient({
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      paths: {
        '/a/{id}': {
          get: {
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
            responses: { '200': { content: { 'application/json': { schema: { type: 'string' } } } } },
          },
        },
        '/b': {
          get: {
            parameters: [{ name: 'q', in: 'query', schema: { type: 'string' } }],
            responses: { '204': {} },
          },
          post: {
            requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
            responses: { '201': {} },
          },
        },
      },
    });
    expect(source).toContain('args: [options: { path: { id: number }; signal?: AbortSignal }];');
    expect(source).toContain('args: [options?: { query?: { q?: string }; signal?: AbortSignal }];');
    expect(source).toContain('response: null;');
    expect(source).toContain('args: [options: { body: { [key: string]: unknown }; signal?: AbortSignal }];');
  });
});

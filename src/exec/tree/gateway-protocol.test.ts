import fc from 'fast-check';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { ExecEvent } from '../../api/agent-exec/index.js';
import {
  encodeGatewayEvent,
  GatewayEventDecoder,
  GatewayProtocolError,
  isExecEvent,
  parseGatewayInput,
  parseGatewayRequest,
} from './gateway-protocol.js';

const schema = Compile(ExecEvent);

/** Values near the event shapes: right and wrong tags, fields of every type, missing fields. */
const fieldValue = fc.oneof(
  fc.constantFrom('stdout', 'stderr', 'other', '', 'n1', 'aGk='),
  fc.integer({ min: -2, max: 300 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
);
const nearEvent = fc.record(
  {
    event: fc.constantFrom('output', 'pickup', 'line', 'exit', 'timeout', 'error', 'end', 'bogus', 3),
    node: fieldValue,
    stream: fieldValue,
    data: fieldValue,
    rc: fieldValue,
    message: fieldValue,
    extra: fieldValue,
  },
  { requiredKeys: ['event'] },
);

describe('gateway protocol', () => {
  it('accepts exactly what the ExecEvent schema accepts (drift check)', () => {
    fc.assert(
      fc.property(fc.oneof(nearEvent, fieldValue), (value) => {
        expect(isExecEvent(value)).toBe(schema.Check(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('decodes events across chunk boundaries and notes the end', () => {
    const decoder = new GatewayEventDecoder();
    const text =
      encodeGatewayEvent({ event: 'pickup', node: 'n1' }) +
      encodeGatewayEvent({ event: 'exit', node: 'n1', rc: 0 }) +
      '{"event":"end"}\n';
    const events = [...decoder.push(text.slice(0, 10)), ...decoder.push(text.slice(10))];
    expect(events).toEqual([
      { event: 'pickup', node: 'n1' },
      { event: 'exit', node: 'n1', rc: 0 },
    ]);
    expect(decoder.finished).toBe(true);
  });

  it('rejects lines that are not JSON or not events', () => {
    expect(() => new GatewayEventDecoder().push('garbage\n')).toThrow(GatewayProtocolError);
    expect(() => new GatewayEventDecoder().push('{"event":"exit","rc":-1}\n')).toThrow(GatewayProtocolError);
  });

  it('checks requests and input messages', () => {
    const request = {
      nodes: 'n[1-2]',
      action: { kind: 'shell', command: 'true' },
      transport: 'ssh',
      stderr: true,
      stdin: false,
      info: {},
      routes: [['a', 'b']],
    };
    expect(parseGatewayRequest(request)).toEqual(request);
    expect(() => parseGatewayRequest({ ...request, nodes: '' })).toThrow(/bad gateway request: nodes/);
    expect(() => parseGatewayRequest({ ...request, action: { kind: 'copy' } })).toThrow(/action/);
    expect(parseGatewayInput({ input: 'aGk=' })).toEqual(Buffer.from('hi'));
    expect(parseGatewayInput({ eof: true })).toBeUndefined();
    expect(() => parseGatewayInput({ nope: 1 })).toThrow(GatewayProtocolError);
  });
});

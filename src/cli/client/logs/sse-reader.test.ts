import { describe, expect, it } from 'vitest';
import { readSse } from './sse-reader.js';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

describe('readSse', () => {
  it('yields messages split across chunks, skipping comments and retry', async () => {
    const messages = [];
    for await (const m of readSse(
      streamOf([
        'retry: 2000\n\n: heartbeat\n\nevent: li',
        'nes\ndata: {"a":1}\n\ndata: x\r\ndata: y\r\n\r\n',
        'event: end\ndata: {}\n\n',
      ]),
    )) {
      messages.push(m);
    }
    expect(messages).toEqual([
      { event: 'lines', data: '{"a":1}' },
      { event: 'message', data: 'x\ny' },
      { event: 'end', data: '{}' },
    ]);
  });
});

/**
 * A Server-Sent Events response on a hijacked Fastify reply. Fastify no longer owns the socket after
 * `hijack()`, so the stream writes its own headers, keeps proxies from closing an idle connection with a
 * comment every `heartbeatMs`, and is ended by the master when it shuts down (SseStreams.closeAll from a
 * preClose hook) — otherwise `app.close()` would wait for every open browser tab.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface SseStream {
  /** Sends one message; its data is written as JSON on one line. */
  send(event: string, data: unknown): void;
  readonly closed: boolean;
  close(): void;
  /** Runs once when the stream ends, whichever side ends it. */
  onClose(listener: () => void): void;
}

export class SseStreams {
  private readonly open = new Set<SseStream>();

  constructor(private readonly heartbeatMs = 25_000) {}

  get size(): number {
    return this.open.size;
  }

  start(request: FastifyRequest, reply: FastifyReply): SseStream {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // nginx buffers responses unless told otherwise; SSE must not be buffered.
      'x-accel-buffering': 'no',
      'x-request-id': request.id,
    });
    res.write('retry: 2000\n\n');
    const listeners: (() => void)[] = [];
    let closed = false;
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), this.heartbeatMs);
    heartbeat.unref();
    const stream: SseStream = {
      send(event, data) {
        if (closed) return;
        res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      },
      get closed() {
        return closed;
      },
      close: () => finish(),
      onClose(listener) {
        if (closed) listener();
        else listeners.push(listener);
      },
    };
    const finish = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      this.open.delete(stream);
      res.end();
      for (const listener of listeners.splice(0)) listener();
    };
    res.on('close', finish);
    res.on('error', finish);
    this.open.add(stream);
    return stream;
  }

  closeAll(): void {
    for (const stream of [...this.open]) stream.close();
  }
}

/**
 * A minimal Server-Sent Events reader for tests: connects with fetch, parses `event:`/`data:` messages and
 * lets the test wait for the next one with a deadline.
 *
 *   const sse = await openSse(`${url}/api/v1/events`, { authorization: `Bearer ${token}` });
 *   const message = await sse.next(2000);   // { event: 'job.changed', data: { ... }, at: 1234.5 }
 *   sse.close();
 */
export interface SseMessage {
  event: string;
  data: unknown;
  /** performance.now() when the message was parsed. */
  at: number;
}

export interface SseReader {
  readonly status: number;
  next(timeoutMs?: number): Promise<SseMessage>;
  /** Messages until `until` matches one (included), or the deadline. */
  collect(until: (m: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage[]>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  const queue: SseMessage[] = [];
  const waiters: (() => void)[] = [];
  let done = false;
  let endedResolve: () => void = () => {};
  const ended = new Promise<void>((resolve) => (endedResolve = resolve));
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };

  void (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length === 0) continue;
          queue.push({ event, data: JSON.parse(data.join('\n')) as unknown, at: performance.now() });
          wake();
        }
      }
    } catch {
      // aborted by close()
    } finally {
      done = true;
      endedResolve();
      wake();
    }
  })();

  const next = async (timeoutMs = 5000): Promise<SseMessage> => {
    const deadline = Date.now() + timeoutMs;
    while (queue.length === 0) {
      if (done) throw new Error('the stream ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no SSE message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return queue.shift()!;
  };

  return {
    status: response.status,
    next,
    async collect(until, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      const out: SseMessage[] = [];
      for (;;) {
        const m = await next(Math.max(1, deadline - Date.now()));
        out.push(m);
        if (until(m)) return out;
      }
    },
    ended,
    close: () => abort.abort(),
  };
}

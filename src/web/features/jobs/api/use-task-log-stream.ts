/**
 * Follows a task log through `GET /api/v1/task_logs/<identifier>/stream` (SSE). Lines arriving together are
 * appended in one render per animation frame. The server replays the log from its first line on every
 * (re)connection, so the lines are reset when the connection opens; the stream is closed when the log ends.
 */
import { useEffect, useRef, useState } from 'react';
import type { ResponseOf } from '../../../api/client.gen';

type Message = ResponseOf<'/api/v1/task_logs/{identifier}/stream', 'get'>;
export type LogLine = Extract<Message, { type: 'lines' }>['lines'][number];
export type LogStreamStatus =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'ended'; source: 'agent' | 'stored' }
  | { kind: 'failed'; error: string };

export function useTaskLogStream(identifier: string | undefined): {
  lines: LogLine[];
  status: LogStreamStatus;
} {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [status, setStatus] = useState<LogStreamStatus>({ kind: 'connecting' });
  const pending = useRef<LogLine[]>([]);
  const frame = useRef<number | undefined>(undefined);

  useEffect(() => {
    setLines([]);
    setStatus({ kind: 'connecting' });
    if (!identifier) return;
    const source = new EventSource(`/api/v1/task_logs/${encodeURIComponent(identifier)}/stream`);
    const flush = () => {
      frame.current = undefined;
      const batch = pending.current;
      pending.current = [];
      if (batch.length) setLines((all) => all.concat(batch));
    };
    source.onopen = () => {
      pending.current = [];
      setLines([]);
      setStatus({ kind: 'live' });
    };
    source.addEventListener('lines', (e) => {
      const message = JSON.parse((e as MessageEvent<string>).data) as Extract<Message, { type: 'lines' }>;
      pending.current.push(...message.lines);
      frame.current ??= requestAnimationFrame(flush);
    });
    source.addEventListener('end', (e) => {
      const message = JSON.parse((e as MessageEvent<string>).data) as Extract<Message, { type: 'end' }>;
      source.close();
      flush();
      setStatus({ kind: 'ended', source: message.source });
    });
    source.addEventListener('log.error', (e) => {
      const message = JSON.parse((e as MessageEvent<string>).data) as Extract<Message, { type: 'error' }>;
      source.close();
      flush();
      setStatus({ kind: 'failed', error: message.error });
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED)
        setStatus({ kind: 'failed', error: 'the connection to the master was lost' });
      else setStatus({ kind: 'connecting' });
    };
    return () => {
      source.close();
      if (frame.current !== undefined) cancelAnimationFrame(frame.current);
      frame.current = undefined;
    };
  }, [identifier]);

  return { lines, status };
}

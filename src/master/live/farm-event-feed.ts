/**
 * Farm events → SSE messages for one browser. Events are coalesced for `windowMs` (a rerun of a
 * 10,000-frame job is one `job.changed` and many `task.changed` a browser only needs once each) and, when
 * more distinct events than `maxPending` pile up in one window, replaced by a single `resync` telling the UI
 * to reload what it shows — a browser must never fall minutes behind a busy farm.
 */
import type { FarmEventMessage } from '../../api/schemas/live.js';
import type { FarmEvent, FarmEvents } from '../events/farm-events.js';
import type { SseStream } from './sse-stream.js';

export interface FeedOptions {
  windowMs?: number;
  maxPending?: number;
}

export function toEventMessage(event: FarmEvent): FarmEventMessage {
  switch (event.type) {
    case 'job.changed':
    case 'job.deleted':
      return { type: event.type, job_id: event.jobId };
    case 'task.changed':
      return { type: event.type, job_id: event.jobId, task_id: event.taskId, agent_id: event.agentId };
    case 'agent.changed':
    case 'agent.deleted':
      return { type: event.type, agent_id: event.agentId };
    case 'queue.changed':
      return { type: event.type, queue_id: event.queueId };
  }
}

/** Feeds `events` into `stream` until the stream closes. */
export function feedFarmEvents(events: FarmEvents, stream: SseStream, options: FeedOptions = {}): void {
  const windowMs = options.windowMs ?? 100;
  const maxPending = options.maxPending ?? 500;
  const pending = new Map<string, FarmEventMessage>();
  let overflow = false;
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    timer = undefined;
    if (overflow) stream.send('resync', { type: 'resync' });
    else for (const message of pending.values()) stream.send(message.type, message);
    pending.clear();
    overflow = false;
  };
  const unsubscribe = events.on((event) => {
    if (overflow) return;
    const message = toEventMessage(event);
    pending.set(JSON.stringify(message), message);
    if (pending.size > maxPending) {
      overflow = true;
      pending.clear();
    }
    timer ??= setTimeout(flush, windowMs);
  });
  stream.onClose(() => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  });
}

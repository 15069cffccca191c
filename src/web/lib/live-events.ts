/**
 * Live updates: one EventSource on `/api/v1/events` for the whole app. Each farm event invalidates the
 * queries that show what changed — by the first element of their key, which every feature sets to its
 * resource ('jobs', 'tasks', 'agents', 'queues', ...) — so lists and detail pages refetch without a reload.
 * Invalidations are throttled per resource (at most one per second), because a busy farm sends events
 * far faster than anyone can read a table.
 */
import { useEffect, useState } from 'react';
import type { QueryClient } from '@tanstack/react-query';
import type { ResponseOf } from '../api/client.gen';

export type FarmEventMessage = ResponseOf<'/api/v1/events', 'get'>;
export type LiveState = 'connecting' | 'open' | 'error';

/** The query key roots to refresh for an event. */
export function rootsFor(event: FarmEventMessage): string[] {
  switch (event.type) {
    case 'job.changed':
    case 'job.deleted':
      return ['jobs', 'jobgroups', 'queues'];
    case 'task.changed':
      return ['jobs', 'tasks', 'agents'];
    case 'agent.changed':
    case 'agent.deleted':
      return ['agents'];
    case 'queue.changed':
      return ['queues'];
    case 'resync':
      return ['*'];
  }
}

/** Calls `invalidate(root)` at most once per `intervalMs` per root, always ending with a trailing call. */
export class Throttle {
  private readonly last = new Map<string, number>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly invalidate: (root: string) => void,
    private readonly intervalMs = 1000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  hit(root: string): void {
    if (this.timers.has(root)) return;
    const wait = (this.last.get(root) ?? -Infinity) + this.intervalMs - this.now();
    if (wait <= 0) {
      this.fire(root);
      return;
    }
    this.timers.set(
      root,
      setTimeout(() => {
        this.timers.delete(root);
        this.fire(root);
      }, wait),
    );
  }

  private fire(root: string): void {
    this.last.set(root, this.now());
    this.invalidate(root);
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

const EVENT_TYPES = [
  'job.changed',
  'job.deleted',
  'task.changed',
  'agent.changed',
  'agent.deleted',
  'queue.changed',
  'resync',
] as const;

export function useLiveInvalidation(client: QueryClient, enabled: boolean): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const throttle = new Throttle((root) => {
      if (root === '*') void client.invalidateQueries();
      else void client.invalidateQueries({ queryKey: [root] });
    });
    const source = new EventSource('/api/v1/events');
    let wasOpen = false;
    source.onopen = () => {
      setState('open');
      // Whatever happened while disconnected was not seen: refresh everything once.
      if (wasOpen) throttle.hit('*');
      wasOpen = true;
    };
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'error' : 'connecting');
    const onMessage = (e: MessageEvent<string>) => {
      let event: FarmEventMessage;
      try {
        event = JSON.parse(e.data) as FarmEventMessage;
      } catch {
        return;
      }
      for (const root of rootsFor(event)) throttle.hit(root);
    };
    for (const type of EVENT_TYPES) source.addEventListener(type, onMessage as EventListener);
    return () => {
      throttle.stop();
      source.close();
    };
  }, [client, enabled]);
  return state;
}

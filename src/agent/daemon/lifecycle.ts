/**
 * The agent daemon's lifecycle as an explicit state machine. Only the transitions listed here happen;
 * anything else is a bug and throws. The state the master sees (online/running) is derived from
 * `serving` plus whether assignments are held.
 *
 *   starting ──► registering ──► serving ──► stopping ──► stopped
 *                    ▲               │
 *                    └───────────────┘  (the master forgot us: 404 on announce → register again)
 */
export type LifecycleState = 'starting' | 'registering' | 'serving' | 'stopping' | 'stopped';

const TRANSITIONS: Readonly<Record<LifecycleState, readonly LifecycleState[]>> = {
  starting: ['registering', 'stopping'],
  registering: ['serving', 'stopping'],
  serving: ['registering', 'stopping'],
  stopping: ['stopped'],
  stopped: [],
};

export class Lifecycle {
  private current: LifecycleState = 'starting';
  private readonly listeners: ((state: LifecycleState) => void)[] = [];

  get state(): LifecycleState {
    return this.current;
  }

  get shuttingDown(): boolean {
    return this.current === 'stopping' || this.current === 'stopped';
  }

  canMoveTo(next: LifecycleState): boolean {
    return TRANSITIONS[this.current].includes(next);
  }

  moveTo(next: LifecycleState): void {
    if (!this.canMoveTo(next))
      throw new Error(`agent lifecycle: ${this.current} → ${next} is not a transition`);
    this.current = next;
    for (const listener of this.listeners) listener(next);
  }

  onChange(listener: (state: LifecycleState) => void): void {
    this.listeners.push(listener);
  }
}

/**
 * What happened on the farm, announced after the change is committed. The scheduler reacts to these within
 * milliseconds (a periodic sweep is only its safety net), and the web UI's live updates are fed from them.
 *
 * Invariant: an event is emitted only after the transaction that made the change has committed, so a
 * listener that reads the database sees the change. Listeners must not throw; a listener's failure is
 * logged and never reaches the emitter.
 */
export type FarmEvent =
  /** Submitted, updated, paused/unpaused, rerun, re-framed, requirements changed. */
  | { type: 'job.changed'; jobId: number }
  /**
   * Deleted with its tasks. `heldTasks` lists the tasks an agent held (assigned or running) at deletion: the
   * rows are gone, so this is how the dispatcher knows whom to tell to stop them.
   */
  | { type: 'job.deleted'; jobId: number; heldTasks: readonly { taskId: number; agentId: string }[] }
  /** A task's state, agent or progress changed. `agentId` is the agent it had before the change, if any. */
  | { type: 'task.changed'; jobId: number; taskId: number; agentId: string | null }
  /** Registered, re-announced, state or resources changed, enabled/disabled, tags or software changed. */
  | { type: 'agent.changed'; agentId: string }
  | { type: 'agent.deleted'; agentId: string }
  | { type: 'queue.changed'; queueId: number };

export type FarmEventListener = (event: FarmEvent) => void;

export interface FarmEvents {
  emit(event: FarmEvent): void;
  /** Returns a function that removes the listener. */
  on(listener: FarmEventListener): () => void;
}

/** In-process delivery: listeners run on a later microtask, never inside the emitter's call stack. */
export class LocalFarmEvents implements FarmEvents {
  private readonly listeners = new Set<FarmEventListener>();

  constructor(private readonly onListenerError: (err: unknown, event: FarmEvent) => void = () => {}) {}

  emit(event: FarmEvent): void {
    if (this.listeners.size === 0) return;
    queueMicrotask(() => {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (err) {
          this.onListenerError(err, event);
        }
      }
    });
  }

  on(listener: FarmEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

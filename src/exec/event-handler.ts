/**
 * What a task tells its listeners (ClusterShell's EventHandler). Every method is optional. For one worker
 * the order is: `start` once, then per node `pickup`, `read`/`error` per line, `hangup` with the return
 * code, and `close` once when every node is done. A node whose command timed out gets no `hangup`; the
 * worker then calls `timeout` once before `close(worker, true)`. Timers call `timer`; ports call
 * `portStart` and `message`.
 *
 * Handlers run inside the task: they may schedule more work (`task.shell()`), write to workers, abort the
 * task. An exception thrown by a handler aborts the task and rejects its `run()`.
 */
import type { PortHandler } from './port.js';
import type { TimerHandler } from './timer.js';
import type { WorkerEventHandler } from './worker.js';

export interface EventHandler extends WorkerEventHandler, TimerHandler, PortHandler {}

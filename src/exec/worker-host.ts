/**
 * What a worker needs from the task that schedules it. The Task implements it; keeping it apart lets
 * workers and the task import each other's types without a cycle.
 */
import type { Engine } from './engine.js';
import type { TaskResults } from './task-results.js';
import type { InfoReader, Transport } from './transport.js';
import type { Topology } from './tree/topology.js';

export interface WorkerHost {
  readonly engine: Engine;
  readonly results: TaskResults;
  /** Task info (fanout, connect_timeout, ssh options, ...). */
  readonly info: InfoReader;
  /** Task defaults (stderr, stdin, ...), used when a worker leaves an option unset. */
  readonly defaults: InfoReader;
  /** Whether the task keeps the lines of `stream` (the `stdout_msgtree`/`stderr_msgtree` defaults). */
  keepsBuffers(stream: 'stdout' | 'stderr'): boolean;
  /** The topology for tree mode, if one was loaded. */
  readonly topology: Topology | undefined;
  /** The transport used to reach gateways in tree mode. */
  readonly distantTransport: Transport;
}

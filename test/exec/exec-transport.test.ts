/** The transport contract for `exec` (a local command per node). */
import { describe } from 'vitest';
import { execTransport, Task } from '../../src/exec/index.js';
import { transportContract } from './transport-contract.js';

describe('exec transport', () => {
  transportContract(() => ({
    newTask: (info) => new Task({ info, defaults: { distant_worker: execTransport } }),
    nodes: 'n[1-3]',
    copies: true,
    killedRc: 137,
    mergeKeepsOrder: true,
  }));
});

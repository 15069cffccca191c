/**
 * A command run once, locally, without placeholders (`task.shell(cmd)` with no nodes; ClusterShell's
 * WorkerPopen). Its single "node" is the key the caller chose.
 */
import type { Transport } from '../transport.js';
import { TaskError } from '../errors.js';
import { processTransport } from './process-transport.js';

export const localTransport: Transport = processTransport({
  name: 'local',
  copies: false,
  templates: false,
  buildCommand({ action }) {
    if (action.kind !== 'shell') throw new TaskError('local copy not supported');
    return { shell: action.command };
  },
  buildGatewayCommand() {
    throw new TaskError('a local command has no gateway');
  },
});

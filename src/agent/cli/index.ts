/**
 * The agent's commands for the `drover` CLI: `agent start|stop|status`, `supervisor`, `fakerender` and
 * `fakework`. Each module imports only what parsing needs; the daemon itself is loaded when it starts.
 */
import type { CommandModule } from '../../cli/program.js';
import { registerAgentCommand } from './agent-command.js';
import { registerFakerenderCommand } from './fakerender-command.js';
import { registerFakeworkCommand } from './fakework-command.js';
import { registerSupervisorCommand } from './supervisor-command.js';

export const agentCommands: readonly CommandModule[] = [
  { register: registerAgentCommand },
  { register: registerSupervisorCommand },
  { register: registerFakerenderCommand },
  { register: registerFakeworkCommand },
];

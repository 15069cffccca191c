/**
 * The agent's commands for the `drover` CLI: `agent start|stop|status`, `supervisor`, `fakerender` and
 * `fakework`. Each module imports only what parsing needs; the daemon itself is loaded when it starts.
 * The CLI (the composition root) passes in its ports, since the agent may not import the CLI.
 *
 *   const modules = [...agentCommands({ version, exit: (code, message) => new CliExit(code, message) })];
 */
import { registerAgentCommand } from './agent-command.js';
import type { AgentCommandModule, CliPorts } from './cli-ports.js';
import { registerFakerenderCommand } from './fakerender-command.js';
import { registerFakeworkCommand } from './fakework-command.js';
import { registerSupervisorCommand } from './supervisor-command.js';

export type { AgentCommandModule, CliPorts, CommandIO } from './cli-ports.js';

export function agentCommands(ports: CliPorts): AgentCommandModule[] {
  return [
    registerAgentCommand,
    registerSupervisorCommand,
    registerFakerenderCommand,
    registerFakeworkCommand,
  ].map((register) => ({
    register: (program, io) => register(program, io, ports),
  }));
}

/**
 * Parallel command execution on node sets (ClusterShell's Task module, in TypeScript).
 *
 *   import { Task, execTransport } from '../exec/index.js';
 *
 *   const task = new Task({ info: { fanout: 128 } });            // ssh by default
 *   task.shell('uname -r', { nodes: 'render[001-200]', timeout: 30, stderr: true });
 *   await task.run();
 *   for (const { message, keys } of task.iterBuffers()) console.log(keys.length, message.toString());
 *   task.maxRetcode();                                             // undefined if every node timed out
 *
 *   // live events instead of (or besides) gathered results
 *   await task.run('hostname', { nodes: 'n[1-4]', handler: {
 *     read: (worker, node, stream, line) => console.log(`${node}: ${line}`),
 *     hangup: (worker, node, rc) => rc && console.log(`${node} exited ${rc}`),
 *   }});
 *
 *   // the same through Drover agents, or locally per node; tree mode through gateways
 *   new Task({ defaults: { distant_worker: execTransport } });   // %h, %n placeholders
 *   task.loadTopology('/etc/drover/topology.conf');
 *
 * Transports implement one interface (`Transport`, transport.ts); processTransport() turns a
 * `buildCommand(request)` into one. See docs/exec.md.
 */
export {
  Task,
  type TaskInfo,
  type TaskDefaults,
  type ShellOptions,
  type CopyOptions,
  type Gathered,
} from './task.js';
export { Worker, type WorkerOptions, type WorkerEventHandler, type GatheredNodes } from './worker.js';
export { DistantWorker } from './distant-worker.js';
export { TreeWorker } from './tree/tree-worker.js';
export type { EventHandler } from './event-handler.js';
export { Timer, type TimerHandler } from './timer.js';
export { Port, type PortHandler } from './port.js';
export { MsgTree, Message } from './msg-tree.js';
export { CommandTemplate } from './command-template.js';
export type { Action } from './action.js';
export type {
  Transport,
  RunRequest,
  RunSink,
  RunHandle,
  RunEnd,
  StreamName,
  InfoReader,
  GatewaySink,
} from './transport.js';
export {
  processTransport,
  runProcess,
  type SpawnCommand,
  type ProcessTransportSpec,
} from './transports/process-transport.js';
export { execTransport } from './transports/exec-transport.js';
export { sshTransport } from './transports/ssh-transport.js';
export {
  agentTransport,
  basicAuthorization,
  AGENT_FAILURE_RC,
  type AgentTransportOptions,
} from './agent/agent-transport.js';
export {
  MasterAgentDirectory,
  MasterAgentDirectoryError,
  staticAgentDirectory,
  agentApiUrl,
  type AgentDirectory,
  type AgentEndpoint,
  type AgentRecord,
} from './agent/agent-directory.js';
export { serveExec, type ExecServiceOptions } from './agent/exec-service.js';
export { Topology, shortHostname } from './tree/topology.js';
export { Router } from './tree/router.js';
export { runGateway, relayEvents, type GatewayOptions } from './tree/gateway.js';
export { GATEWAY_FAILURE_RC } from './tree/gateway-client.js';
export {
  ExecError,
  CommandTemplateError,
  WorkerError,
  TaskError,
  AlreadyRunningError,
  TaskTimeoutError,
  MsgTreeDisabledError,
  TransportError,
  TopologyError,
  RouteResolvingError,
} from './errors.js';

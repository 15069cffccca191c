/**
 * Wire contract of the agent's remote execution endpoint, shared by the agent (server) and
 * `drover exec -R agent` (client). See agent-exec.ts.
 */
export {
  EXEC_CONTENT_TYPE,
  EXEC_DISABLED_MESSAGE,
  EXEC_PATH,
  ExecEvent,
  ExecForward,
  ExecRequest,
} from './agent-exec.js';

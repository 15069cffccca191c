/**
 * The endpoint's fixed strings, apart from the schemas so that a client can use them without loading
 * TypeBox (the `drover exec` hot path starts in a fraction of a second).
 */
export const EXEC_PATH = '/exec';
export const EXEC_CONTENT_TYPE = 'application/x-ndjson';

/** Why an agent refuses remote execution (403). */
export const EXEC_DISABLED_MESSAGE = 'remote execution is disabled on this agent (agent_remote_exec: false)';

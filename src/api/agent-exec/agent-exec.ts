/**
 * `POST /api/v1/exec` on an agent: run a shell command on the agent's host for `drover exec -R agent`
 * (or forward it to other agents, when this agent is a gateway in tree mode). Authenticated like every
 * agent route, and refused with 403 unless the agent's configuration enables it (`agent_remote_exec`,
 * off by default).
 *
 * The answer is `200 application/x-ndjson`: one ExecEvent per line, streamed as things happen.
 *   direct run:    {"event":"output","stream":"stdout","data":"aGkK"} ... then {"event":"exit","rc":0}
 *                  ({"event":"timeout"} instead when `timeout` expired and the command was killed)
 *   forwarded run: per node {"event":"pickup","node":"n1"}, {"event":"line","node":"n1",...},
 *                  {"event":"exit","node":"n1","rc":0} or {"event":"timeout","node":"n1"}
 *   both end with {"event":"end"}; {"event":"error","message":...} reports a failure of the run itself.
 * Output bytes are base64: commands may print anything.
 */
import Type, { type Static } from 'typebox';

export { EXEC_CONTENT_TYPE, EXEC_DISABLED_MESSAGE, EXEC_PATH } from './constants.js';

const Stream = Type.Union([Type.Literal('stdout'), Type.Literal('stderr')]);
const Base64 = Type.String({ description: 'bytes, base64-encoded' });
const Node = Type.String({ minLength: 1, description: 'node (agent host) name' });

export const ExecForward = Type.Object(
  {
    gateway: Type.String({ minLength: 1, description: "this agent's name in the topology" }),
    nodes: Type.String({ minLength: 1, description: 'the target nodes, as a folded node set' }),
    agents: Type.Record(Type.String(), Type.String({ description: 'agent API base URL' }), {
      description: 'where to reach each node this gateway may contact (targets and further gateways)',
    }),
    routes: Type.Array(Type.Array(Type.String(), { minItems: 2, maxItems: 2 }), {
      description: 'the topology routes, `[sources, destinations]` node sets, for further hops',
    }),
    fanout: Type.Optional(Type.Integer({ minimum: 1 })),
    connect_timeout: Type.Optional(Type.Number({ minimum: 0.001 })),
  },
  { additionalProperties: false },
);
export type ExecForward = Static<typeof ExecForward>;

export const ExecRequest = Type.Object(
  {
    command: Type.String({ description: 'run by /bin/sh -c on the agent (or on every forwarded node)' }),
    timeout: Type.Optional(
      Type.Number({ minimum: 0.001, description: 'seconds before the command is killed' }),
    ),
    stderr: Type.Optional(
      Type.Boolean({ description: 'keep stderr apart (default true); false merges it into stdout' }),
    ),
    input: Type.Optional(Type.String({ description: 'standard input, base64' })),
    forward: Type.Optional(ExecForward),
  },
  { additionalProperties: false },
);
export type ExecRequest = Static<typeof ExecRequest>;

export const ExecEvent = Type.Union([
  Type.Object({ event: Type.Literal('output'), stream: Stream, data: Base64 }),
  Type.Object({ event: Type.Literal('pickup'), node: Node }),
  Type.Object({ event: Type.Literal('line'), node: Node, stream: Stream, data: Base64 }),
  Type.Object({ event: Type.Literal('exit'), node: Type.Optional(Node), rc: Type.Integer({ minimum: 0 }) }),
  Type.Object({ event: Type.Literal('timeout'), node: Type.Optional(Node) }),
  Type.Object({ event: Type.Literal('error'), node: Type.Optional(Node), message: Type.String() }),
  Type.Object({ event: Type.Literal('end') }),
]);
export type ExecEvent = Static<typeof ExecEvent>;

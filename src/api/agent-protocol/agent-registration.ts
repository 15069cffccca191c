/**
 * What an agent tells the master about itself: the registration (`POST /api/v1/agents/`), the partial
 * updates of a re-announce, a RAM report or the shutdown notice (`POST /api/v1/agents/<id>`), and the part
 * of the master's answer the agent reads.
 */
import Type, { type Static } from 'typebox';
import { CurrentAssignmentsSchema } from './assignment.js';

export const AgentReportedStateSchema = Type.Union([
  Type.Literal('online'),
  Type.Literal('running'),
  Type.Literal('offline'),
  Type.Literal('disabled'),
]);
export type AgentReportedState = Static<typeof AgentReportedStateSchema>;

/** Sizes in bytes. */
export const DiskSchema = Type.Object(
  {
    mountpoint: Type.String(),
    size: Type.Integer({ minimum: 0 }),
    free: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type Disk = Static<typeof DiskSchema>;

const MacAddressSchema = Type.String({ pattern: '^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$' });

/**
 * `api_secret` is Drover's: a random secret the agent generates at every registration; the master stores
 * it and presents it (`Authorization: Bearer <api_secret>`) whenever it calls the agent's API.
 * RAM values are MB; `time_offset` is whole seconds the local clock is behind NTP time.
 */
export const AgentRegistrationSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    hostname: Type.String({ minLength: 1, maxLength: 255 }),
    version: Type.Optional(Type.String({ maxLength: 16 })),
    os_class: Type.Optional(
      Type.Union([
        Type.Literal('linux'),
        Type.Literal('windows'),
        Type.Literal('mac'),
        Type.Literal('bsd'),
        Type.Literal('other'),
      ]),
    ),
    os_fullname: Type.Optional(Type.String({ maxLength: 128 })),
    cpu_name: Type.Optional(Type.String({ maxLength: 128 })),
    ram: Type.Integer({ minimum: 16, maximum: 262144 }),
    free_ram: Type.Integer({ minimum: 0 }),
    cpus: Type.Integer({ minimum: 1, maximum: 256 }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    time_offset: Type.Optional(Type.Integer()),
    state: Type.Optional(AgentReportedStateSchema),
    mac_addresses: Type.Optional(Type.Array(MacAddressSchema)),
    current_assignments: Type.Optional(CurrentAssignmentsSchema),
    disks: Type.Optional(Type.Array(DiskSchema)),
    gpus: Type.Optional(Type.Array(Type.String())),
    remote_ip: Type.Optional(Type.String({ format: 'ipv4' })),
    farm_name: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    /** Projects this agent is dedicated to (`--projects`); absent or empty = any project. */
    projects: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    /** PyFarm's MAC-derived system identifier (0 < id ≤ 2^48-1), informative. */
    systemid: Type.Optional(Type.Integer({ minimum: 1, maximum: 0xffffffffffff })),
    api_secret: Type.String({ minLength: 32, maxLength: 128 }),
  },
  { additionalProperties: false },
);
export type AgentRegistration = Static<typeof AgentRegistrationSchema>;

/** `POST /api/v1/agents/<id>` from the agent: a re-announce, a RAM change or the shutdown notice. */
export const AgentAnnounceSchema = Type.Object(
  {
    state: Type.Optional(AgentReportedStateSchema),
    current_assignments: Type.Optional(CurrentAssignmentsSchema),
    free_ram: Type.Optional(Type.Integer({ minimum: 0 })),
    ram: Type.Optional(Type.Integer({ minimum: 16, maximum: 262144 })),
    cpus: Type.Optional(Type.Integer({ minimum: 1, maximum: 256 })),
    disks: Type.Optional(Type.Array(DiskSchema)),
    time_offset: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type AgentAnnounce = Static<typeof AgentAnnounceSchema>;

/** The fields of the master's agent record (201/200 answers) the agent relies on; others are ignored. */
export const AgentRecordSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    state: Type.Optional(Type.String()),
    restart_requested: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: true },
);
export type AgentRecord = Static<typeof AgentRecordSchema>;

/**
 * The four PyFarm enums with the values of the seed (spec §1). "Queued" is not a WorkState: a queued
 * job or task stores NULL, and the API synthesises "queued"/"assigned" (see `taskStateName`).
 */
import { defineEnum } from './enum.js';

export const WorkState = defineEnum('WorkState', {
  PAUSED: 100,
  RUNNING: 105,
  DONE: 106,
  FAILED: 107,
});
export type WorkStateValue = (typeof WorkState.ints)[number];
export type WorkStateName = (typeof WorkState.names)[number];

export const AgentState = defineEnum('AgentState', {
  DISABLED: 200,
  OFFLINE: 201,
  ONLINE: 202,
  RUNNING: 203,
});
export type AgentStateValue = (typeof AgentState.ints)[number];
export type AgentStateName = (typeof AgentState.names)[number];

export const OperatingSystem = defineEnum('OperatingSystem', {
  LINUX: 300,
  WINDOWS: 301,
  MAC: 302,
  OTHER: 303,
  BSD: 304,
});
export type OperatingSystemValue = (typeof OperatingSystem.ints)[number];
export type OperatingSystemName = (typeof OperatingSystem.names)[number];

export const UseAgentAddress = defineEnum('UseAgentAddress', {
  LOCAL: 310,
  REMOTE: 311,
  HOSTNAME: 312,
  PASSIVE: 313,
});
export type UseAgentAddressValue = (typeof UseAgentAddress.ints)[number];
export type UseAgentAddressName = (typeof UseAgentAddress.names)[number];

/** Work states that end a task or job. */
export const FINISHED_STATES: readonly WorkStateValue[] = [WorkState.values.DONE, WorkState.values.FAILED];

/**
 * The wire name of a task state: a stored NULL reads "queued" without an agent and "assigned" with one.
 */
export function taskStateName(
  state: WorkStateValue | null,
  hasAgent: boolean,
): WorkStateName | 'queued' | 'assigned' {
  if (state === null) return hasAgent ? 'assigned' : 'queued';
  return WorkState.name(state) ?? 'queued';
}

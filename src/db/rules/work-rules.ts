/**
 * Rules for jobs, tasks, queues and job types (spec §2), with limits from models.yml. Where PyFarm's
 * validators contradicted its documentation, the documented meaning wins: a job's `cpus` and `ram`
 * accept 0 ("no minimum") and -1 ("the whole agent") besides the agent ranges (spec §11.3).
 */
import type { WorkStateName, WorkStateValue } from '../../core/enums.js';
import { checkInteger, checkNumber, invalid } from './field-rules.js';
import type { ModelLimits } from './model-limits.js';

/** A work state as callers may give it: the stored value, its name, or null (queued). */
export type WorkStateInput = WorkStateValue | WorkStateName | null;

/** Queue, job and task priorities. */
export function checkPriority(value: unknown, limits: ModelLimits, field = 'priority'): number {
  return checkInteger(field, value, { min: limits.queueMinPriority, max: limits.queueMaxPriority });
}

const SPECIAL_RESOURCE_VALUES = [0, -1];

/** A job's CPU requirement: 0 = no minimum, -1 = the whole agent, else within the agent range. */
export function checkJobCpus(value: unknown, limits: ModelLimits, field = 'cpus'): number {
  const cpus = checkInteger(field, value);
  if (SPECIAL_RESOURCE_VALUES.includes(cpus)) return cpus;
  return checkInteger(field, cpus, { min: limits.agentMinCpus, max: limits.agentMaxCpus });
}

/** A job's RAM requirement in MB: 0 = no minimum, -1 = all of the agent's RAM, else within the agent range. */
export function checkJobRam(value: unknown, limits: ModelLimits, field = 'ram'): number {
  const ram = checkInteger(field, value);
  if (SPECIAL_RESOURCE_VALUES.includes(ram)) return ram;
  return checkInteger(field, ram, { min: limits.agentMinRam, max: limits.agentMaxRam });
}

/** `requeue`: 0 = never, -1 = forever, N = N retries. */
export function checkRequeue(value: unknown, field = 'requeue'): number {
  return checkInteger(field, value, { min: -1, max: 2147483647 });
}

/** Counts and limits that may not be negative (attempts, failures, weights, agent counts). */
export function checkCount(field: string, value: unknown): number {
  return checkInteger(field, value, { min: 0, max: 2147483647 });
}

/** Counts that must be at least 1 (batch size, number of tiles, job type version). */
export function checkPositive(field: string, value: unknown): number {
  return checkInteger(field, value, { min: 1, max: 2147483647 });
}

export function checkProgress(value: unknown, field = 'progress'): number {
  return checkNumber(field, value, { min: 0, max: 1 });
}

// Frames and `by` are NUMERIC(10,4): at most 6 digits before the point and 4 after.
const DECIMAL_LIMIT = 999_999.9999;

/**
 * A frame number: any finite number within NUMERIC(10,4), rounded to 4 decimals so that arithmetic
 * like 0.1 + 0.2 stores as 0.3 on every database.
 */
export function checkFrame(value: unknown, field = 'frame'): number {
  const frame = checkNumber(field, value, { min: -DECIMAL_LIMIT, max: DECIMAL_LIMIT });
  return roundDecimal(frame);
}

/** The frame step: positive, within NUMERIC(10,4), at least 0.0001. */
export function checkFrameStep(value: unknown, field = 'by'): number {
  const by = roundDecimal(checkNumber(field, value, { max: DECIMAL_LIMIT }));
  if (by <= 0) throw invalid(field, value, 'must be greater than 0 (at least 0.0001)');
  return by;
}

export function roundDecimal(value: number): number {
  const rounded = Math.round(value * 10_000) / 10_000;
  return Object.is(rounded, -0) ? 0 : rounded;
}

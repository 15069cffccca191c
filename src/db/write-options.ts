import type { Millis } from './database.js';
import { DEFAULT_MODEL_LIMITS, type ModelLimits } from './rules/model-limits.js';

/**
 * What write repositories take besides their input: the model limits (models.yml) and the current time,
 * both explicit so that callers and tests control them.
 */
export interface WriteOptions {
  /** Default: the models.yml defaults. */
  readonly limits?: ModelLimits;
  /** Default: `Date.now()`. Used for "now" defaults such as `time_submitted`. */
  readonly now?: Millis;
}

export function limitsOf(options: WriteOptions | undefined): ModelLimits {
  return options?.limits ?? DEFAULT_MODEL_LIMITS;
}

export function nowOf(options: WriteOptions | undefined): Millis {
  return options?.now ?? Date.now();
}

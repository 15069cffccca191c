/**
 * The limits models.yml puts on the data model. They are passed explicitly to the repositories (no
 * global state); `DEFAULT_MODEL_LIMITS` holds the seed's defaults. String limits cannot exceed the
 * column widths of the schema, which `modelLimitsFromConfig` checks.
 */
import { ConfigError, type ConfigProblem } from '../../core/errors.js';

export interface ModelLimits {
  readonly agentMinPort: number;
  readonly agentMaxPort: number;
  readonly agentMinCpus: number;
  readonly agentMaxCpus: number;
  /** Megabytes. */
  readonly agentMinRam: number;
  readonly agentMaxRam: number;
  /** Priority bounds of queues, jobs and tasks. */
  readonly queueMinPriority: number;
  readonly queueMaxPriority: number;
  readonly maxTagLength: number;
  readonly maxHostnameLength: number;
  readonly maxJobgroupNameLength: number;
  readonly maxOsnameLength: number;
  readonly maxCpunameLength: number;
  readonly jobtitleMaxLength: number;
  /** Accept agents whose address is a loopback address (`allow_agents_from_loopback`). */
  readonly allowAgentsFromLoopback: boolean;
}

export const DEFAULT_MODEL_LIMITS: ModelLimits = Object.freeze({
  agentMinPort: 1024,
  agentMaxPort: 65535,
  agentMinCpus: 1,
  agentMaxCpus: 256,
  agentMinRam: 16,
  agentMaxRam: 262144,
  queueMinPriority: -1000,
  queueMaxPriority: 1000,
  maxTagLength: 64,
  maxHostnameLength: 255,
  maxJobgroupNameLength: 255,
  maxOsnameLength: 128,
  maxCpunameLength: 128,
  jobtitleMaxLength: 255,
  allowAgentsFromLoopback: false,
});

/** models.yml key of each limit. */
const CONFIG_KEYS: Readonly<Record<keyof ModelLimits, string>> = {
  agentMinPort: 'agent_min_port',
  agentMaxPort: 'agent_max_port',
  agentMinCpus: 'agent_min_cpus',
  agentMaxCpus: 'agent_max_cpus',
  agentMinRam: 'agent_min_ram',
  agentMaxRam: 'agent_max_ram',
  queueMinPriority: 'queue_min_priority',
  queueMaxPriority: 'queue_max_priority',
  maxTagLength: 'max_tag_length',
  maxHostnameLength: 'max_hostname_length',
  maxJobgroupNameLength: 'max_jobgroup_name_length',
  maxOsnameLength: 'max_osname_length',
  maxCpunameLength: 'max_cpuname_length',
  jobtitleMaxLength: 'jobtitle_max_length',
  allowAgentsFromLoopback: 'allow_agents_from_loopback',
};

/** The widest value each string limit may take: the width of its column in 0001-initial. */
const COLUMN_WIDTHS: Partial<Record<keyof ModelLimits, number>> = {
  maxTagLength: 64,
  maxHostnameLength: 255,
  maxJobgroupNameLength: 255,
  maxOsnameLength: 128,
  maxCpunameLength: 128,
  jobtitleMaxLength: 255,
};

/** Physical limits of the integer columns (32-bit) the numeric limits apply to. */
const INT32 = { min: -2147483648, max: 2147483647 };

/**
 * Builds the limits from configuration values keyed by models.yml names (missing keys keep their
 * defaults). Every problem is reported at once.
 */
export function modelLimitsFromConfig(config: Readonly<Record<string, unknown>>): ModelLimits {
  const limits: Record<string, number | boolean> = { ...DEFAULT_MODEL_LIMITS };
  const problems: ConfigProblem[] = [];
  for (const [name, key] of Object.entries(CONFIG_KEYS) as [keyof ModelLimits, string][]) {
    const value = config[key];
    if (value === undefined) continue;
    if (name === 'allowAgentsFromLoopback') {
      if (typeof value === 'boolean') limits[name] = value;
      else problems.push({ key, message: `must be true or false, got ${JSON.stringify(value)}` });
      continue;
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < INT32.min || value > INT32.max) {
      problems.push({ key, message: `must be a 32-bit integer, got ${JSON.stringify(value)}` });
      continue;
    }
    const width = COLUMN_WIDTHS[name];
    if (width !== undefined && (value < 1 || value > width)) {
      problems.push({
        key,
        message: `must be between 1 and ${width} (the width of the database column), got ${value}`,
      });
      continue;
    }
    limits[name] = value;
  }
  const pairs: [keyof ModelLimits, keyof ModelLimits][] = [
    ['agentMinPort', 'agentMaxPort'],
    ['agentMinCpus', 'agentMaxCpus'],
    ['agentMinRam', 'agentMaxRam'],
    ['queueMinPriority', 'queueMaxPriority'],
  ];
  for (const [low, high] of pairs) {
    if ((limits[low] as number) > (limits[high] as number)) {
      problems.push({ key: CONFIG_KEYS[low], message: `must not be greater than ${CONFIG_KEYS[high]}` });
    }
  }
  if ((limits.agentMinPort as number) < 1 || (limits.agentMaxPort as number) > 65535) {
    problems.push({ key: CONFIG_KEYS.agentMinPort, message: 'agent ports must lie within 1..65535' });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(limits as unknown as ModelLimits);
}

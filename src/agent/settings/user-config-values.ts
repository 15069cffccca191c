/**
 * The configuration values a user set for this agent (a --config file or $DROVER_CONFIG, DROVER_/PYFARM_
 * variables), read by a short-lived child process (see core/config/snapshot-entry.ts for why), so that the
 * daemon never loads the configuration schema. Values still at their package default are not returned:
 * the agent's own defaults and flags derive paths from --data-dir, which pre-expanded defaults would defeat.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, type ConfigProblem } from '../../core/errors.js';

export interface UserConfigValues {
  values: Record<string, unknown>;
  warnings: { key: string; message: string; source: string }[];
}

/** Variables that are not configuration keys, so their presence alone needs no configuration load. */
const NOT_KEYS =
  /^DROVER_(CONFIG|DEBUG|TOKEN|MASTER|TEST_.*|JOBTYPE_SUBCLASSES_BASE_CLASS|JOBTYPE_ALLOW_CODE_EXECUTION_IN_MODULE_ROOT)$/;

export function readUserConfigValues(options: {
  file?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}): UserConfigValues {
  const file = options.file ?? options.env.DROVER_CONFIG;
  const anyVariable = Object.keys(options.env).some(
    (name) =>
      (name.startsWith('DROVER_') && !NOT_KEYS.test(name)) ||
      (name.startsWith('PYFARM_') && !NOT_KEYS.test(name.replace(/^PYFARM_/, 'DROVER_'))),
  );
  if (!file && !anyVariable) return { values: {}, warnings: [] };

  const entry = snapshotEntry();
  // From sources (tests), the entry is TypeScript: run it through tsx, resolved from here, not from cwd.
  const args = entry.endsWith('.ts') ? ['--import', import.meta.resolve('tsx'), entry] : [entry];
  const result = spawnSync(process.execPath, [...args, file ?? ''], {
    cwd: options.cwd,
    env: options.env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  const line = result.stdout?.trim().split('\n').pop();
  let answer: {
    ok: boolean;
    values?: Record<string, unknown>;
    warnings?: UserConfigValues['warnings'];
    problems?: ConfigProblem[];
  };
  try {
    answer = JSON.parse(line ?? '');
  } catch {
    throw new ConfigError([
      {
        key: '(file)',
        message: `the configuration could not be read: ${result.stderr?.trim() || result.error?.message || 'no answer'}`,
      },
    ]);
  }
  if (!answer.ok) throw new ConfigError(answer.problems ?? []);
  return { values: answer.values ?? {}, warnings: answer.warnings ?? [] };
}

function snapshotEntry(): string {
  const built = fileURLToPath(new URL('../../core/config/snapshot-entry.js', import.meta.url));
  if (existsSync(built)) return built;
  return fileURLToPath(new URL('../../core/config/snapshot-entry.ts', import.meta.url));
}

/**
 * clush's settings for one run (ClusterShell/CLI/Config.py without the clush.conf files): defaults,
 * then command-line options, then `-O key=value` overrides, with clush's errors for bad values
 * (`ERROR: (Config Main.fanout): invalid literal for int() with base 10: 'x'`).
 */
import { parsePyFloat, parsePyInt } from '../../nodeset/python-text.js';
import { pyRepr } from '../nodeset/python-repr.js';
import { VERB_DEBUG, VERB_QUIET, VERB_STD, VERB_VERB } from './exec-display.js';
import type { ExecOptions } from './exec-options.js';

/** A bad setting; printed as `ERROR: (Config Main.<key>): <message>`, exit 1. */
export class ClushConfigError extends Error {
  constructor(
    readonly key: string,
    readonly detail: string,
  ) {
    super(`(Config Main.${key}): ${detail}`);
    this.name = 'ClushConfigError';
  }
}

export interface ClushConfig {
  fanout: number;
  connectTimeout: number;
  commandTimeout: number;
  color: string;
  verbosity: number;
  nodeCount: boolean;
  maxrc: boolean;
  sshUser?: string;
  sshPath?: string;
  sshOptions?: string;
  scpPath?: string;
  scpOptions?: string;
}

function toInt(key: string, value: string): number {
  const n = parsePyInt(value);
  if (n === undefined)
    throw new ClushConfigError(key, `invalid literal for int() with base 10: ${pyRepr(value)}`);
  return n;
}

function toFloat(key: string, value: string): number {
  const n = parsePyFloat(value);
  if (n === undefined) throw new ClushConfigError(key, `could not convert string to float: ${pyRepr(value)}`);
  return n;
}

/** configparser's getboolean. */
function toBool(key: string, value: string): boolean {
  const v = value.toLowerCase();
  if (['1', 'yes', 'true', 'on'].includes(v)) return true;
  if (['0', 'no', 'false', 'off'].includes(v)) return false;
  throw new ClushConfigError(key, `Not a boolean: ${value}`);
}

export function loadClushConfig(options: ExecOptions): ClushConfig {
  // Raw values, as configparser holds them, in the order clush sets them: CLI options, then -O.
  const raw = new Map<string, string>([
    ['fanout', '64'],
    ['connect_timeout', '10'],
    ['command_timeout', '0'],
    ['color', ''],
    ['verbosity', String(VERB_STD)],
    ['node_count', 'yes'],
    ['maxrc', 'no'],
  ]);
  if (options.quiet) raw.set('verbosity', String(VERB_QUIET));
  if (options.verbose) raw.set('verbosity', String(VERB_VERB));
  if (options.debug) raw.set('verbosity', String(VERB_DEBUG));
  if (options.fanout) raw.set('fanout', String(options.fanout));
  if (options.user) raw.set('ssh_user', options.user);
  if (options.options) raw.set('ssh_options', options.options);
  if (options.connectTimeout) raw.set('connect_timeout', String(options.connectTimeout));
  if (options.commandTimeout) raw.set('command_timeout', String(options.commandTimeout));
  if (options.whencolor) raw.set('color', options.whencolor);
  if (options.maxrc) raw.set('maxrc', 'True');
  for (const item of options.option) {
    const eq = item.indexOf('=');
    if (eq < 0) throw new ClushConfigError(item, 'invalid -O/--option value');
    raw.set(item.slice(0, eq).toLowerCase(), item.slice(eq + 1));
  }
  const get = (key: string): string => raw.get(key)!;
  const optional = (key: string): string | undefined => raw.get(key) || undefined;
  return {
    fanout: toInt('fanout', get('fanout')),
    connectTimeout: toFloat('connect_timeout', get('connect_timeout')),
    commandTimeout: toFloat('command_timeout', get('command_timeout')),
    color: get('color'),
    verbosity: toInt('verbosity', get('verbosity')),
    nodeCount: toBool('node_count', get('node_count')),
    maxrc: toBool('maxrc', get('maxrc')),
    sshUser: optional('ssh_user'),
    sshPath: optional('ssh_path'),
    sshOptions: optional('ssh_options'),
    scpPath: optional('scp_path'),
    scpOptions: optional('scp_options'),
  };
}

/**
 * Whether to color output, by clush's (convoluted) rules: `--color` wins; otherwise NO_COLOR, then
 * CLICOLOR_FORCE / CLICOLOR, then whether stdout is a terminal.
 */
export function useColor(
  config: ClushConfig,
  whencolor: string | undefined,
  tty: { stdout: boolean; stderr: boolean },
  env: NodeJS.ProcessEnv,
  gatherall: boolean,
): boolean {
  let color: boolean | undefined =
    config.color === 'auto' ? tty.stdout && (gatherall || tty.stderr) : config.color === 'always';
  if (whencolor === undefined && (config.color === '' || config.color === 'auto')) {
    if (env.NO_COLOR === undefined) {
      if ((env.CLICOLOR_FORCE ?? '0') !== '0') color = true;
      else if (env.CLICOLOR === undefined) color = undefined;
      else color = env.CLICOLOR !== '0' ? tty.stdout : false;
    } else color = false;
  }
  if (color === undefined) color = !whencolor || whencolor === 'auto' ? tty.stdout : whencolor === 'always';
  return color;
}

/**
 * Requirements as typed on the command line:
 *   software: `blender`, `blender>=3.0`, `blender<=3.6`, `blender>=3.0,<=3.6`, `blender=3.4` (exactly);
 *   tags:     `gpu` (the agent must have it), `!workstation` (it must not).
 * Versions are names; the master orders them by rank.
 */
import { ValidationError } from '../../core/errors.js';

export interface SoftwareRequirementSpec {
  software: string;
  min_version?: string;
  max_version?: string;
}

export interface TagRequirementSpec {
  tag: string;
  negate: boolean;
}

const BOUND = /^(>=|<=|==|=)\s*(.+)$/;

export function parseSoftwareRequirement(text: string): SoftwareRequirementSpec {
  const fail = (why: string) =>
    new ValidationError(`--software ${text}: ${why} (e.g. blender, blender>=3.0, blender>=3.0,<=3.6)`, {
      field: 'software_requirements',
      value: text,
    });
  const at = text.search(/[<>=]/);
  const software = (at < 0 ? text : text.slice(0, at)).trim();
  if (software === '') throw fail('no software named');
  const result: SoftwareRequirementSpec = { software };
  if (at < 0) return result;
  for (const part of text.slice(at).split(',')) {
    const match = BOUND.exec(part.trim());
    const version = match?.[2]?.trim();
    if (!match || !version || /[<>=,]/.test(version)) throw fail(`"${part.trim()}" is not a bound`);
    const op = match[1]!;
    const setMin = op !== '<=';
    const setMax = op !== '>=';
    if ((setMin && result.min_version !== undefined) || (setMax && result.max_version !== undefined)) {
      throw fail('a bound is given twice');
    }
    if (setMin) result.min_version = version;
    if (setMax) result.max_version = version;
  }
  return result;
}

export function parseTagRequirement(text: string): TagRequirementSpec {
  const negate = text.startsWith('!');
  const tag = (negate ? text.slice(1) : text).trim();
  if (tag === '') {
    throw new ValidationError(`--require-tag ${text}: no tag named (e.g. gpu or !workstation)`, {
      field: 'tag_requirements',
      value: text,
    });
  }
  return { tag, negate };
}

/** `KEY=VALUE` (environment) → [KEY, VALUE]; the value may hold further `=`. */
export function parseAssignment(text: string, option: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) {
    throw new ValidationError(`${option} ${text}: expected NAME=VALUE`, { field: option, value: text });
  }
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/**
 * Commander argument parsers for numeric flags and repeatable flags. A bad value ends the command with
 * exit code 2 and a message naming the flag.
 */
import { CliExit } from './io.js';

export function integerOption(flag: string, range: { min?: number; max?: number } = {}) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
      throw new CliExit(2, `${flag}: ${value} is not an integer`);
    }
    if (range.min !== undefined && n < range.min)
      throw new CliExit(2, `${flag}: ${value} is below ${range.min}`);
    if (range.max !== undefined && n > range.max)
      throw new CliExit(2, `${flag}: ${value} is above ${range.max}`);
    return n;
  };
}

export function numberOption(flag: string, range: { min?: number } = {}) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new CliExit(2, `${flag}: ${value} is not a number`);
    if (range.min !== undefined && n < range.min)
      throw new CliExit(2, `${flag}: ${value} is below ${range.min}`);
    return n;
  };
}

/** For repeatable flags: `--tag a --tag b` → ['a', 'b']. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A repeatable flag limited to some values: `--state done --state failed`. */
export function collectChoice(flag: string, choices: readonly string[]) {
  return (value: string, previous: string[] | undefined): string[] => {
    if (!choices.includes(value))
      throw new CliExit(2, `${flag}: ${value} is not one of ${choices.join(', ')}`);
    return [...(previous ?? []), value];
  };
}

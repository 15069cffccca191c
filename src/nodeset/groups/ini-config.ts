/**
 * The subset of Python's configparser that groups.conf needs: `[section]` headers, `key: value` or
 * `key = value` options (keys case-insensitive), full-line `#`/`;` comments, indented continuation lines,
 * a `[DEFAULT]` section inherited by all, several files read into one configuration, and `%%` /
 * `%(key)s` interpolation for non-raw reads. Errors carry configparser's wording.
 */
import { readFileSync } from 'node:fs';
import { GroupResolverConfigError, NodeSetError } from '../errors.js';

/** configparser's own errors (duplicate sections, missing headers...): ClusterShell prints them as is. */
export class IniConfigError extends NodeSetError {
  readonly code = 'groups_conf';
}

const DEFAULT_SECTION = 'DEFAULT';

export class IniConfig {
  private readonly sectionMap = new Map<string, Map<string, string[]>>();
  private readonly defaults = new Map<string, string[]>();

  /** Reads the files that exist (others are skipped, as configparser does); returns those read. */
  read(paths: readonly string[]): string[] {
    const read: string[] = [];
    for (const path of paths) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      this.readString(text, path);
      read.push(path);
    }
    return read;
  }

  readString(text: string, source = '<string>'): void {
    const lines = text.split(/\r\n|\r|\n/);
    if (lines[lines.length - 1] === '') lines.pop();
    const seenSections = new Set<string>();
    const seenOptions = new Set<string>();
    let section: Map<string, string[]> | undefined;
    let sectionName = '';
    let option: string | undefined;
    let indentLevel = 0;
    const errors: string[] = [];
    lines.forEach((line, index) => {
      const lineno = index + 1;
      const stripped = line.trim();
      const isComment = stripped.startsWith('#') || stripped.startsWith(';');
      if (!stripped || isComment) {
        // configparser keeps blank lines inside a multi-line value; comment lines are dropped.
        if (!isComment && section && option) section.get(option)?.push('');
        return;
      }
      const indent = line.search(/\S/);
      if (section && option && indent > indentLevel) {
        section.get(option)!.push(stripped);
        return;
      }
      indentLevel = indent;
      const header = /^\[(.+)\]/.exec(stripped);
      if (header) {
        sectionName = header[1]!;
        if (seenSections.has(sectionName)) {
          throw new IniConfigError(
            `While reading from '${source}' [line ${String(lineno).padStart(2)}]: section '${sectionName}' already exists`,
          );
        }
        seenSections.add(sectionName);
        if (sectionName === DEFAULT_SECTION) section = this.defaults;
        else {
          section = this.sectionMap.get(sectionName) ?? new Map<string, string[]>();
          this.sectionMap.set(sectionName, section);
        }
        option = undefined;
        return;
      }
      if (!section) {
        throw new IniConfigError(
          `File contains no section headers.\nfile: '${source}', line: ${lineno}\n${JSON.stringify(`${line}\n`)}`,
        );
      }
      const match = /^(.*?)\s*([=:])\s*(.*)$/.exec(stripped);
      const name = match?.[1]?.trimEnd().toLowerCase();
      if (!match || !name) {
        errors.push(`\t[line ${String(lineno).padStart(2)}]: ${JSON.stringify(`${line}\n`)}`);
        return;
      }
      const seenKey = `${sectionName}\0${name}`;
      if (seenOptions.has(seenKey)) {
        throw new IniConfigError(
          `While reading from '${source}' [line ${String(lineno).padStart(2)}]: option '${name}' in section '${sectionName}' already exists`,
        );
      }
      seenOptions.add(seenKey);
      option = name;
      section.set(name, [match[3]!.trim()]);
    });
    if (errors.length)
      throw new IniConfigError(`Source contains parsing errors: '${source}'\n${errors.join('\n')}`);
  }

  /** Section names in order of appearance, without DEFAULT. */
  sections(): string[] {
    return [...this.sectionMap.keys()];
  }

  hasSection(section: string): boolean {
    return this.sectionMap.has(section);
  }

  hasOption(section: string, option: string): boolean {
    const key = option.toLowerCase();
    return (
      !!this.sectionMap.get(section)?.has(key) || (this.sectionMap.has(section) && this.defaults.has(key))
    );
  }

  private rawValue(section: string, option: string): string {
    const values = this.sectionMap.get(section);
    if (!values) throw new GroupResolverConfigError(`No section: '${section}'`);
    const key = option.toLowerCase();
    const value = values.get(key) ?? this.defaults.get(key);
    if (value === undefined)
      throw new GroupResolverConfigError(`No option '${key}' in section: '${section}'`);
    return value.join('\n').trimEnd();
  }

  /** An option's value; `raw` skips `%` interpolation. */
  get(section: string, option: string, raw = false): string {
    const value = this.rawValue(section, option);
    return raw ? value : this.interpolate(section, option, value, 1);
  }

  private interpolate(section: string, option: string, value: string, depth: number): string {
    if (depth > 10)
      throw new IniConfigError(`Recursion limit exceeded in value substitution: option '${option}'`);
    let out = '';
    for (let i = 0; i < value.length; i++) {
      const c = value[i];
      if (c !== '%') {
        out += c;
        continue;
      }
      const next = value[i + 1];
      if (next === '%') {
        out += '%';
        i++;
      } else if (next === '(') {
        const m = /^\(([^)]+)\)s/.exec(value.slice(i + 1));
        if (!m) throw new IniConfigError(`bad interpolation variable reference '${value.slice(i)}'`);
        out += this.interpolate(section, m[1]!, this.rawValue(section, m[1]!), depth + 1);
        i += m[0].length;
      } else {
        throw new IniConfigError(`'%' must be followed by '%' or '(', found: '${value.slice(i)}'`);
      }
    }
    return out;
  }
}

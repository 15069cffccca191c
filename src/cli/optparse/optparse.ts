/**
 * Python optparse's parsing rules, for the commands that reproduce ClusterShell's `nodeset` and `clush` byte
 * for byte: options are read up to the first positional argument (unless an option turns interspersed
 * arguments on, as clush's `--copy` does), long options may be abbreviated, short options cluster
 * (`-bw n1`, `-S:`), `--` ends the options, and errors carry optparse's wording.
 */
import { parsePyFloat, parsePyInt } from '../../nodeset/python-text.js';
import { pyRepr } from '../nodeset/python-repr.js';

/** optparse's `parser.error()`: the command prints its usage line, `<prog>: error: <message>`, exits 2. */
export class UsageError extends Error {}

export interface OptionDef<Dest extends string> {
  short?: string;
  long: readonly string[];
  action: 'store' | 'store_true' | 'store_false' | 'count' | 'append' | 'help' | 'version';
  dest?: Dest;
  /** 'string', 'safestring', 'int', 'float', 'choice', or a type the parser's `convertOther` knows. */
  type?: string;
  choices?: readonly string[];
  /** From this option on, positional arguments and options may be mixed (clush's `--copy`). */
  interspersed?: boolean;
}

export type ParsedLine<Options> =
  { kind: 'run'; options: Options; args: string[] } | { kind: 'help' } | { kind: 'version' };

/** Converts a value of a type of the command's own; undefined when the type is not one of them. */
export type ConvertOther = (type: string, opt: string, value: string) => unknown;

export interface OptionParser<Options> {
  parse(argv: readonly string[], defaults: Options): ParsedLine<Options>;
}

export function createOptionParser<Options, Dest extends string & keyof Options>(
  defs: readonly OptionDef<Dest>[],
  convertOther?: ConvertOther,
): OptionParser<Options> {
  const short = new Map(defs.flatMap((o) => (o.short ? [[o.short, o] as const] : [])));
  const long = new Map(defs.flatMap((o) => o.long.map((l) => [l, o] as const)));

  const matchLong = (opt: string): string => {
    if (long.has(opt)) return opt;
    const candidates = [...long.keys()].filter((l) => l.startsWith(opt));
    if (candidates.length === 1) return candidates[0]!;
    if (candidates.length === 0) throw new UsageError(`no such option: ${opt}`);
    throw new UsageError(`ambiguous option: ${opt} (${candidates.sort().join(', ')}?)`);
  };

  const convert = (def: OptionDef<Dest>, opt: string, value: string): unknown => {
    switch (def.type) {
      case undefined:
      case 'string':
        return value;
      case 'safestring':
        if (!value || value.startsWith('-'))
          throw new UsageError(`option ${opt}: invalid value: ${pyRepr(value)}`);
        return value;
      case 'int': {
        const n = parseOptparseInt(value);
        if (n === undefined) throw new UsageError(`option ${opt}: invalid integer value: ${pyRepr(value)}`);
        return n;
      }
      case 'float': {
        const f = parsePyFloat(value);
        if (f === undefined)
          throw new UsageError(`option ${opt}: invalid floating-point value: ${pyRepr(value)}`);
        return f;
      }
      case 'choice':
        if (!def.choices!.includes(value)) {
          const choices = def.choices!.map((c) => pyRepr(c)).join(', ');
          throw new UsageError(`option ${opt}: invalid choice: ${pyRepr(value)} (choose from ${choices})`);
        }
        return value;
      default:
        return convertOther ? convertOther(def.type, opt, value) : value;
    }
  };

  return {
    parse(argv, defaults) {
      const options = defaults;
      const record = options as unknown as Record<string, unknown>;
      const rargs = [...argv];
      const args: string[] = [];
      let interspersed = false;
      const apply = (def: OptionDef<Dest>, opt: string, value: string | undefined) => {
        if (def.action === 'help') return { kind: 'help' } as const;
        if (def.action === 'version') return { kind: 'version' } as const;
        if (def.interspersed) interspersed = true;
        const dest = def.dest!;
        if (def.action === 'store_true') record[dest] = true;
        else if (def.action === 'store_false') record[dest] = false;
        else if (def.action === 'count') record[dest] = (record[dest] as number) + 1;
        else {
          const converted = convert(def, opt, value!);
          if (def.action === 'append') (record[dest] as unknown[]).push(converted);
          else record[dest] = converted;
        }
        return undefined;
      };
      const takeValue = (opt: string): string => {
        if (rargs.length < 1) throw new UsageError(`${opt} option requires 1 argument`);
        return rargs.shift()!;
      };

      while (rargs.length) {
        const arg = rargs[0]!;
        if (arg === '--') {
          rargs.shift();
          break;
        }
        if (arg.startsWith('--')) {
          rargs.shift();
          const eq = arg.indexOf('=');
          const explicit = eq >= 0;
          if (explicit) rargs.unshift(arg.slice(eq + 1));
          const opt = matchLong(explicit ? arg.slice(0, eq) : arg);
          const def = long.get(opt)!;
          let value: string | undefined;
          if (def.type) value = takeValue(opt);
          else if (explicit) throw new UsageError(`${opt} option does not take a value`);
          const done = apply(def, opt, value);
          if (done) return done;
        } else if (arg.startsWith('-') && arg.length > 1) {
          rargs.shift();
          const chars = [...arg.slice(1)];
          for (let k = 0; k < chars.length; k++) {
            const opt = `-${chars[k]}`;
            const def = short.get(opt);
            if (!def) throw new UsageError(`no such option: ${opt}`);
            if (def.type) {
              // The rest of the cluster is the value (`-S:`), else the next argument.
              const rest = chars.slice(k + 1).join('');
              if (rest) rargs.unshift(rest);
              const done = apply(def, opt, takeValue(opt));
              if (done) return done;
              break;
            }
            const done = apply(def, opt, undefined);
            if (done) return done;
          }
        } else if (interspersed) {
          args.push(rargs.shift()!);
        } else break;
      }
      return { kind: 'run', options, args: [...args, ...rargs] };
    },
  };
}

/** optparse's int type: a leading 0x, 0b or 0 selects base 16, 2 or 8. */
function parseOptparseInt(value: string): number | undefined {
  const head = value.slice(0, 2).toLowerCase();
  if (head === '0x') return parsePyInt(value, 16);
  if (head === '0b') return parsePyInt(value.slice(2) || '0', 2);
  if (value.startsWith('0')) return parsePyInt(value, 8);
  return parsePyInt(value, 10);
}

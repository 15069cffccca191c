/**
 * `%` placeholders in commands and copy paths, with the rules of Python's string.Template (delimiter `%`)
 * that ClusterShell's exec worker uses:
 *   %h, %host, %hosts, %{h}...  the node name (for %hosts: the whole folded node set)
 *   %n, %rank                   the node's 0-based index in node set order (0 for %hosts)
 *   %%                          a literal %
 * A name is `[_a-zA-Z][_a-zA-Z0-9]*` taken greedily, so `%h1` names `h1` and is an error; any other `%`
 * is an error too. Errors carry Python's wording so that clush users read the same message.
 */
import { CommandTemplateError } from './errors.js';

const PLACEHOLDER = /%(?:(%)|([_a-z][_a-z0-9]*)|\{([_a-z][_a-z0-9]*)\}|)/giy;

type Part = string | { name: 'node' | 'rank' };

const VARIABLES: Record<string, 'node' | 'rank'> = {
  h: 'node',
  host: 'node',
  hosts: 'node',
  n: 'rank',
  rank: 'rank',
};

/** What str.splitlines() breaks on (\x1c-\x1e, the file/group/record separators, included). */
// eslint-disable-next-line no-control-regex
const LINE_BREAKS = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;

/** Python's "line L, col C" of an invalid placeholder; `index` is just after the `%`. */
function position(text: string, index: number): string {
  const before = text.slice(0, index);
  // str.splitlines(keepends=True): a break ending the text still belongs to the last line.
  let lineno = 1;
  let lineStart = 0;
  for (const match of before.matchAll(LINE_BREAKS)) {
    const end = match.index + match[0].length;
    if (end < before.length) {
      lineno += 1;
      lineStart = end;
    }
  }
  return `line ${lineno}, col ${index - lineStart}`;
}

/** A parsed template: checked once, then rendered for every node. */
export class CommandTemplate {
  private constructor(
    readonly text: string,
    private readonly parts: readonly Part[],
  ) {}

  /** Parses `text`; throws CommandTemplateError on a `%` that is not a known placeholder. */
  static parse(text: string): CommandTemplate {
    const parts: Part[] = [];
    let literal = '';
    let i = 0;
    while (i < text.length) {
      const next = text.indexOf('%', i);
      if (next < 0) {
        literal += text.slice(i);
        break;
      }
      literal += text.slice(i, next);
      PLACEHOLDER.lastIndex = next;
      const match = PLACEHOLDER.exec(text)!;
      const [whole, escaped, named, braced] = match;
      if (escaped) literal += '%';
      else {
        const name = named ?? braced;
        if (name === undefined)
          throw new CommandTemplateError(text, `Invalid placeholder in string: ${position(text, next + 1)}`);
        const variable = VARIABLES[name];
        if (!variable) throw new CommandTemplateError(text, `'${name}'`);
        if (literal) parts.push(literal);
        literal = '';
        parts.push({ name: variable });
      }
      i = next + whole.length;
    }
    if (literal) parts.push(literal);
    return new CommandTemplate(text, parts);
  }

  /** Whether the command runs once for all nodes (clush tests the raw text, even `%%hosts`). */
  get forAllNodes(): boolean {
    return this.text.includes('%hosts') || this.text.includes('%{hosts}');
  }

  render(node: string, rank: number): string {
    let out = '';
    for (const part of this.parts) {
      if (typeof part === 'string') out += part;
      else out += part.name === 'node' ? node : String(rank);
    }
    return out;
  }
}

/** Checks and renders in one call (copy paths, one-off commands). */
export function renderTemplate(text: string, node: string, rank: number): string {
  return CommandTemplate.parse(text).render(node, rank);
}

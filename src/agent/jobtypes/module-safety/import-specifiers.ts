/**
 * Finds the module specifiers of a module's imports and re-exports (static, side-effect and `import('…')`
 * with a literal), so the job type loader can point `drover/jobtype` at the agent's own API.
 */
import { tokenize, type Token } from './tokenizer.js';

export interface SpecifierSite {
  value: string;
  /** Offsets of the string literal, quotes included. */
  start: number;
  end: number;
}

export function findImportSpecifiers(source: string): SpecifierSite[] {
  const sites: SpecifierSite[] = [];
  const visit = (tokens: readonly Token[]) => {
    tokens.forEach((tok, i) => {
      if (tok.type === 'template') for (const part of tok.parts ?? []) visit(part);
      if (tok.type !== 'string') return;
      const prev = tokens[i - 1];
      const prev2 = tokens[i - 2];
      const isName = (t: Token | undefined, text: string) => t?.type === 'name' && t.text === text;
      const isImportSite =
        isName(prev, 'from') ||
        isName(prev, 'import') ||
        (prev?.type === 'punct' && prev.text === '(' && isName(prev2, 'import'));
      if (isImportSite) sites.push({ value: tok.value ?? '', start: tok.start, end: tok.end });
    });
  };
  visit(tokenize(source));
  return sites;
}

/** Replaces every import of `from` by `to`; the rest of the source is left byte for byte. */
export function rewriteSpecifier(source: string, from: string, to: string): string {
  const sites = findImportSpecifiers(source).filter((s) => s.value === from);
  let out = '';
  let last = 0;
  for (const site of sites) {
    out += source.slice(last, site.start) + JSON.stringify(to);
    last = site.end;
  }
  return out + source.slice(last);
}

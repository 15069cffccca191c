/** Tags (and tag requirements, where a negated one is shown struck and red). */
export function TagList({
  tags,
  empty = '—',
}: {
  tags: readonly (string | { tag: string; negate?: boolean })[];
  empty?: string;
}) {
  if (tags.length === 0) return <span className="faint">{empty}</span>;
  return (
    <span>
      {tags.map((t) => {
        const name = typeof t === 'string' ? t : t.tag;
        const negate = typeof t === 'string' ? false : (t.negate ?? false);
        return (
          <span
            key={`${negate ? '-' : ''}${name}`}
            className={`tag${negate ? ' negated' : ''}`}
            title={negate ? `must not have ${name}` : undefined}
          >
            {negate ? `not ${name}` : name}
          </span>
        );
      })}
    </span>
  );
}

/** "a b -c" → tags with negation (PyFarm's tag requirement syntax: `-x` = must not have x). */
export function parseTagRequirements(text: string): { tag: string; negate: boolean }[] {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((word) =>
      word.startsWith('-') && word.length > 1
        ? { tag: word.slice(1), negate: true }
        : { tag: word, negate: false },
    );
}

export function formatTagRequirements(reqs: readonly { tag: string; negate: boolean }[]): string {
  return reqs.map((r) => (r.negate ? `-${r.tag}` : r.tag)).join(' ');
}

export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

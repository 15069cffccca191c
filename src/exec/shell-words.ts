/**
 * POSIX shell word splitting and quoting, for option strings such as `ssh_options` (`-i ~/.ssh/id -p
 * 2222`) and for building remote command lines. The splitting follows Python's shlex.split in POSIX
 * mode, which ClusterShell uses: quotes group, backslash escapes outside single quotes, no expansion.
 */
import { homedir } from 'node:os';
import { ExecError } from './errors.js';

export class ShellWordsError extends ExecError {
  readonly code = 'shell_words';

  constructor(readonly text: string) {
    super(`No closing quotation in ${JSON.stringify(text)}`);
  }
}

export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ShellWordsError(text);
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new ShellWordsError(text);
        const d = text[i]!;
        if (d === '"') break;
        if (d === '\\' && i + 1 < text.length && '\\"$`\n'.includes(text[i + 1]!)) {
          word += text[i + 1];
          i += 2;
        } else {
          word += d;
          i += 1;
        }
      }
      inWord = true;
      i += 1;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new ShellWordsError(text);
      if (text[i + 1] !== '\n') word += text[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i += 1;
    } else {
      word += c;
      inWord = true;
      i += 1;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Quotes a word for a POSIX shell, leaving plain words as they are. */
export function quoteShellWord(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}

/** Python's os.path.expanduser for `~` and `~/...` (other users' homes are left alone). */
export function expandUser(word: string): string {
  if (word === '~') return homedir();
  if (word.startsWith('~/')) return `${homedir()}${word.slice(1)}`;
  return word;
}

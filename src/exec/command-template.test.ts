import { describe, expect, it } from 'vitest';
import { CommandTemplate } from './command-template.js';
import { CommandTemplateError } from './errors.js';

// [template, rendered for node7 rank 3, or ClusterShell's error] — produced by ClusterShell 1.9.1's
// Worker.Exec._replace_cmd.
const CASES: [string, string | null, string | null][] = [
  ['echo %h', 'echo node7', null],
  ['echo %host %hosts', 'echo node7 node7', null],
  ['echo %n %rank', 'echo 3 3', null],
  ['echo %{h}x', 'echo node7x', null],
  ['echo %%h', 'echo %h', null],
  ['echo %h1', null, "'h1' is not a valid pattern, use '%%' to escape '%'"],
  ['echo %hello', null, "'hello' is not a valid pattern, use '%%' to escape '%'"],
  [
    'echo %',
    null,
    "Invalid placeholder in string: line 1, col 6 is not a valid pattern, use '%%' to escape '%'",
  ],
  ['a%', null, "Invalid placeholder in string: line 1, col 2 is not a valid pattern, use '%%' to escape '%'"],
  [
    'echo 50%',
    null,
    "Invalid placeholder in string: line 1, col 8 is not a valid pattern, use '%%' to escape '%'",
  ],
  ['x\ny %q', null, "'q' is not a valid pattern, use '%%' to escape '%'"],
  [
    'x\ny %',
    null,
    "Invalid placeholder in string: line 2, col 3 is not a valid pattern, use '%%' to escape '%'",
  ],
  [
    'a\r\nb %',
    null,
    "Invalid placeholder in string: line 2, col 3 is not a valid pattern, use '%%' to escape '%'",
  ],
  [
    'a\n\nb %1',
    null,
    "Invalid placeholder in string: line 3, col 3 is not a valid pattern, use '%%' to escape '%'",
  ],
  ['echo %H', null, "'H' is not a valid pattern, use '%%' to escape '%'"],
  [
    'echo %{h',
    null,
    "Invalid placeholder in string: line 1, col 6 is not a valid pattern, use '%%' to escape '%'",
  ],
  [
    'echo %{}',
    null,
    "Invalid placeholder in string: line 1, col 6 is not a valid pattern, use '%%' to escape '%'",
  ],
  ['%%%h%%', '%node7%', null],
  ['%_x', null, "'_x' is not a valid pattern, use '%%' to escape '%'"],
  ['tab\t%n', 'tab\t3', null],
  ['%{rank}', '3', null],
  [
    'a\n%',
    null,
    "Invalid placeholder in string: line 2, col 1 is not a valid pattern, use '%%' to escape '%'",
  ],
];

describe('CommandTemplate', () => {
  it.each(CASES)('%j', (template, rendered, error) => {
    if (error === null) {
      expect(CommandTemplate.parse(template).render('node7', 3)).toBe(rendered);
    } else {
      const thrown = (() => {
        try {
          CommandTemplate.parse(template);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(thrown).toBeInstanceOf(CommandTemplateError);
      expect((thrown as CommandTemplateError).message).toBe(error);
      expect((thrown as CommandTemplateError).template).toBe(template);
    }
  });

  it('runs once for all nodes when the raw text names %hosts (even escaped, as clush does)', () => {
    expect(CommandTemplate.parse('echo %hosts').forAllNodes).toBe(true);
    expect(CommandTemplate.parse('echo %{hosts}').forAllNodes).toBe(true);
    expect(CommandTemplate.parse('echo %%hosts').forAllNodes).toBe(true);
    expect(CommandTemplate.parse('echo %h').forAllNodes).toBe(false);
  });
});

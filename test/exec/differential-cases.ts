/**
 * Random `clush -R exec` command lines for the differential test: node sets (with exclusions and
 * groups), commands using %h/%n/%hosts, several lines, stderr, return codes, empty output, input, and
 * bad templates; output modes -b, -B, -L, -bL, -N, -q, -S and fanouts.
 */
import fc from 'fast-check';
import { GROUPS_CONF } from '../nodeset/differential-cases.js';

export interface ExecCase {
  args: string[];
  stdin: string;
  /** Direct mode prints lines as nodes finish: compare them sorted. */
  sortStdout: boolean;
}

const nodeSets = fc.oneof(
  fc.integer({ min: 1, max: 12 }).map((n) => ['-w', n === 1 ? 'n1' : `n[1-${n}]`]),
  fc.constant(['-w', 'a[1-3],b[01-04]']),
  fc.constant(['-w', 'x[1-2]y[1-2]', '-w', 'solo']),
  fc.constant(['-w', 'n[1-10]', '-x', 'n[3-5]']),
  fc.constant(['-w', 'n[1-6]', '-w', 'n[5-9]']),
  fc.constant(['--groupsconf', GROUPS_CONF, '-w', '@roles:io']),
  fc.constant(['--groupsconf', GROUPS_CONF, '-g', 'roles:gpu', '-g', 'roles:io', '-x', 'example158']),
  fc.constant(['--groupsconf', GROUPS_CONF, '-g', 'roles:all', '-X', 'roles:compute']),
);

const commands = fc.constantFrom(
  'echo %h',
  'echo same',
  'echo line1; echo line2',
  'echo out; echo err >&2',
  'exit $((%n %% 3))',
  'echo x; exit $((%n %% 2))',
  'exit $((7 % 2))',
  'printf "no newline %n"',
  'true',
  'echo %hosts',
  '[ $((%n %% 2)) -eq 0 ] && echo even || echo odd',
  'kill -9 $$',
  'echo "a  b"; echo; echo c',
  'echo %{h}-%rank',
  'echo 50%',
  'echo %x',
  'echo %%h %h',
  'echo é; echo tab"\t"end',
  'cat',
  'cat; echo %n',
  'echo start; [ %n -eq 1 ] && echo more; echo end',
  'seq 1 8 | sed "s/^%n$/changed/"',
  'for i in 1 2 3 4 5 6 7 8 9 10; do echo common$i; done; [ %n -eq 2 ] && echo extra; echo tail',
);

const modes = fc.constantFrom<string[]>(
  [],
  ['-b'],
  ['-B'],
  ['-L'],
  ['-bL'],
  ['-b', '-N'],
  ['-N'],
  ['-bq'],
  ['-b', '-S'],
  ['-S'],
  ['-qS'],
  ['-B', '-S'],
  ['--diff'],
  ['--diff', '-q'],
);

export const execCase: fc.Arbitrary<ExecCase> = fc
  .tuple(nodeSets, commands, modes, fc.constantFrom<string[]>([], [], ['-f', '1'], ['-f', '3']), fc.boolean())
  .map(([nodes, command, mode, fanout, input]) => ({
    args: ['-R', 'exec', ...nodes, ...mode, ...fanout, command],
    stdin: command.startsWith('cat') && input ? 'hello\nworld\n' : '',
    sortStdout: !mode.some((m) => /b|B|L|diff/.test(m)),
  }));

/**
 * `drover login` / `drover logout`: store (or forget) a token for a master in the user's config directory.
 * See ../client/login.ts for what is stored and why.
 */
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import type { CommandModule } from '../program.js';
import type { LoginOptions } from '../client/login.js';

export const loginCommands: CommandModule = {
  register(program: Command, io: CliIO) {
    program
      .command('login')
      .description('log in to a master and store a token for the client commands')
      .option(
        '--master <url>',
        'the master (default: $DROVER_MASTER, the last one, else http://127.0.0.1:5000)',
      )
      .option('-u, --username <name>', 'user name (asked on a terminal otherwise)')
      .option('--password-stdin', 'read the password from standard input (for scripts)')
      .option('--json', 'print the result as JSON')
      .action(async (options: LoginOptions) => {
        const { login } = await import('../client/login.js');
        const { credentials, path } = await login(io, options);
        const summary = {
          master: credentials.master,
          username: credentials.username,
          kind: credentials.kind,
          credentials_file: path,
        };
        if (options.json) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        else {
          const what = credentials.kind === 'api' ? 'an API token' : 'the session token (it expires)';
          io.stdout.write(
            `logged in to ${credentials.master} as ${credentials.username}; ${what} is in ${path}\n`,
          );
        }
      });

    program
      .command('logout')
      .description('revoke the stored token and forget it')
      .option('--json', 'print the result as JSON')
      .action(async (options: { json?: boolean }) => {
        const { logout } = await import('../client/login.js');
        const result = await logout(io);
        if (result.warning) io.stderr.write(`drover: warning: ${result.warning}\n`);
        if (options.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        else io.stdout.write(result.loggedOut ? `logged out of ${result.master}\n` : 'not logged in\n');
      });
  },
};

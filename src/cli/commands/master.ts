/**
 * `drover master` — the seed's pyfarm-master: serves the REST API (and, later, the web UI and the
 * scheduler) on `flask_listen_address` and the port of `base_url` (default 127.0.0.1:5000), or where
 * --host/--port say. Tables are migrated to the latest version at start-up, so --create-all is accepted for
 * compatibility only. SIGINT/SIGTERM stop it cleanly.
 *
 * Headless installs create an admin with `--create-admin --username NAME --password PW`; with `--token`
 * a new API token for that admin is printed on stdout. Both exit without serving.
 */
import type { Command } from 'commander';
import { CliExit, type CliIO } from '../io.js';
import type { CommandModule } from '../program.js';

interface MasterOptions {
  config?: string;
  host?: string;
  port?: number;
  createAll?: boolean;
  dropAll?: boolean;
  confirmDrop?: string;
  allowAgentLoopbackAddresses?: boolean;
  createAdmin?: boolean;
  username?: string;
  password?: string;
  token?: boolean;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535)
    throw new CliExit(2, `--port: ${value} is not a port (1-65535)`);
  return port;
}

export const masterCommand: CommandModule = {
  register(program: Command, io: CliIO) {
    program
      .command('master')
      .description('run the master: REST API, scheduler and web UI')
      .option('--config <file>', 'configuration file (default: $DROVER_CONFIG)')
      .option('--host <address>', 'address to listen on (default: flask_listen_address)')
      .option('--port <port>', 'port to listen on (default: the port of base_url)', parsePort)
      .option(
        '-C, --create-all',
        'create all tables before starting (always done: tables are migrated at start)',
      )
      .option('-D, --drop-all', 'drop the existing tables before starting (needs --confirm-drop yes)')
      .option('--confirm-drop <answer>', 'confirm --drop-all by answering "yes"')
      .option('--allow-agent-loopback-addresses', 'accept agents that register from a loopback address')
      .option('--create-admin', 'create (or promote) an admin from --username/--password, then exit')
      .option('--username <name>', 'user name for --create-admin')
      .option('--password <password>', 'password for --create-admin')
      .option('--token', 'with --create-admin: also create an API token for the admin and print it')
      .action((options: MasterOptions) => runMaster(options, io));
  },
};

async function runMaster(options: MasterOptions, io: CliIO): Promise<void> {
  if (options.createAdmin && (!options.username || !options.password)) {
    throw new CliExit(2, '--create-admin needs --username and --password');
  }
  if (options.token && !options.createAdmin) throw new CliExit(2, '--token is used with --create-admin');
  if (options.dropAll && !/^(yes|y|true)$/i.test(options.confirmDrop ?? '')) {
    throw new CliExit(2, '--drop-all deletes every job, agent and user: confirm with --confirm-drop yes');
  }
  const { loadCliConfig } = await import('../load-cli-config.js');
  const { createLogger } = await import('../../core/logging.js');
  const { createMaster } = await import('../../master/master.js');
  const { version } = await import('../version.js');
  const { config } = loadCliConfig(io, { config: options.config });
  const logger = createLogger({ level: config.log_level, name: 'drover', destination: processStderr(io) });

  if (options.dropAll) {
    const { openDatabases } = await import('../../db/connection/open-database.js');
    const { dropAll } = await import('../../db/migrate.js');
    const { resolveTableNames } = await import('../../db/table-names.js');
    const handles = await openDatabases({
      database: config.database,
      statisticsDatabase: config.statistics_database,
      tableNames: resolveTableNames(config),
    });
    try {
      for (const handle of [handles.main, handles.statistics]) {
        const outcome = await dropAll(handle);
        if (outcome.error !== undefined) throw outcome.error;
      }
    } finally {
      await handles.close();
    }
  }

  const master = await createMaster({
    config,
    logger,
    version,
    ...(options.allowAgentLoopbackAddresses ? { allowAgentLoopback: true } : {}),
  });

  if (options.createAdmin) {
    try {
      const { ensureAdmin, createApiToken } = await import('../../master/auth/auth.service.js');
      const admin = await ensureAdmin(master.context, {
        username: options.username!,
        password: options.password!,
      });
      io.stderr.write(`drover: admin ${admin.user.username} is ready\n`);
      if (options.token) {
        const issued = await createApiToken(master.context, {
          username: admin.user.username,
          name: 'created by drover master --create-admin',
          kind: 'api',
        });
        io.stdout.write(`${issued.token}\n`);
      }
    } finally {
      await master.close();
    }
    return;
  }

  const host = options.host ?? config.flask_listen_address;
  const port = options.port ?? portOf(config.base_url);
  try {
    const url = await master.listen(host, port);
    io.stderr.write(`drover: master listening on ${url} (API ${url}/api/v1, docs ${url}/docs)\n`);
  } catch (err) {
    await master.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new CliExit(1, `cannot listen on ${host}:${port}: the address is in use`);
    if (code === 'EADDRNOTAVAIL')
      throw new CliExit(1, `cannot listen on ${host}:${port}: no such local address`);
    throw err;
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'stopping');
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      master.close().then(resolve, (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function portOf(baseUrl: string): number {
  const url = new URL(baseUrl);
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** pino wants a stream with write(); the CLI's stderr is one, and says whether it is a TTY. */
function processStderr(io: CliIO) {
  return { write: (line: string) => io.stderr.write(line), isTTY: io.stderr.isTTY };
}

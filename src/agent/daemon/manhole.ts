/**
 * The seed's "manhole": an interactive JavaScript REPL into the running agent for debugging, off by
 * default. Drover's is never open: it listens on loopback only and asks for the configured user name and
 * password (compared in constant time) before the REPL starts; `agent` is in scope.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { start as startRepl } from 'node:repl';
import type { Logger } from '../../core/logging.js';
import { sameSecret } from '../http/auth.js';

export interface ManholeSettings {
  port: number;
  username: string;
  password: string | undefined;
}

export async function startManhole(
  settings: ManholeSettings,
  scope: Record<string, unknown>,
  logger: Logger,
): Promise<{ close(): Promise<void>; port: number }> {
  const server: Server = createServer((socket) => login(socket, settings, scope, logger));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  logger.info({ port }, 'manhole listening on loopback');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function login(
  socket: Socket,
  settings: ManholeSettings,
  scope: Record<string, unknown>,
  logger: Logger,
): void {
  const answers: string[] = [];
  let buffer = '';
  socket.setEncoding('utf8');
  socket.write('username: ');
  const onData = (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      answers.push(buffer.slice(0, nl).replace(/\r$/, ''));
      buffer = buffer.slice(nl + 1);
      if (answers.length === 1) socket.write('password: ');
      if (answers.length === 2) {
        socket.off('data', onData);
        const ok =
          settings.password !== undefined &&
          sameSecret(answers[0]!, settings.username) &&
          sameSecret(answers[1]!, settings.password);
        if (!ok) {
          logger.warn({ remote: socket.remoteAddress }, 'manhole login refused');
          socket.end('access denied\n');
          return;
        }
        logger.warn({ remote: socket.remoteAddress }, 'manhole session opened');
        // Whatever followed the password in the same packet belongs to the REPL.
        if (buffer) socket.unshift(buffer);
        const repl = startRepl({
          input: socket,
          output: socket,
          prompt: 'drover> ',
          terminal: false,
          useGlobal: false,
        });
        Object.assign(repl.context, scope);
        repl.on('exit', () => socket.end());
        return;
      }
    }
  };
  socket.on('data', onData);
  socket.on('error', () => socket.destroy());
}

/**
 * Structured logging with pino. Components receive a Logger and derive children that carry ids
 * (`log.child({ jobId, taskId })`); messages stay constant and data goes into fields.
 * Output is pretty only when the destination is a TTY, never because of NODE_ENV.
 */
import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

/** Fields that may hold secrets, wherever they appear in a log record. */
export const REDACTED_PATHS = [
  'password',
  'token',
  'secret',
  'secret_key',
  'authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.secret_key',
  '*.authorization',
  '*.agent_api_password',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Component name, e.g. "master" or "agent". */
  name?: string;
  /** Defaults to stderr. */
  destination?: DestinationStream & { isTTY?: boolean };
  /** Overrides TTY detection. */
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stderr;
  const usePretty = options.pretty ?? Boolean((destination as { isTTY?: boolean }).isTTY);
  const base = {
    level: options.level ?? 'info',
    name: options.name,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (usePretty) {
    return pino(base, pretty({ destination, colorize: true, translateTime: 'SYS:HH:MM:ss.l', sync: true }));
  }
  return pino(base, destination);
}

/** A logger that drops everything: for tests and library callers that pass none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

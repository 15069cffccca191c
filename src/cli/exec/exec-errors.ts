/**
 * How `drover exec` reports an error: clush's handle_generic_error, same wording and prefix (`clush:`),
 * exit code 1. File errors read like Python's OSError (`ERROR: [Errno 2] No such file or directory:
 * 'hosts.txt'`).
 */
import { constants } from 'node:os';
import {
  GroupResolverConfigError,
  GroupResolverIllegalCharError,
  GroupResolverSourceError,
  GroupSourceError,
  GroupSourceNoUpcallError,
  NodeSetExternalError,
  NodeSetLimitError,
  NodeSetParseError,
  NodeSetValueError,
  RangeSetParseError,
} from '../../nodeset/index.js';
import { IniConfigError } from '../../nodeset/groups/ini-config.js';
import { ExecError, RouteResolvingError, TopologyError } from '../../exec/index.js';
import { DroverError } from '../../core/errors.js';
import { pyRepr } from '../nodeset/python-repr.js';

const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
  EMFILE: 'Too many open files',
};

/** Python's str(OSError) for a Node file system error. */
export function pythonOsError(error: NodeJS.ErrnoException): string {
  const code = error.code ?? '';
  const errno = (constants.errno as Record<string, number>)[code];
  const text = STRERROR[code] ?? error.message;
  const path = error.path !== undefined ? `: ${pyRepr(error.path)}` : '';
  return errno !== undefined ? `[Errno ${errno}] ${text}${path}` : `${text}${path}`;
}

function message(error: unknown): string {
  if (error instanceof NodeSetValueError) return `ERROR: ${error.message}`;
  if (error instanceof NodeSetExternalError) return `clush: External error: ${error.message}`;
  if (
    error instanceof NodeSetParseError ||
    error instanceof RangeSetParseError ||
    error instanceof NodeSetLimitError
  ) {
    return `clush: Parse error: ${error.message}`;
  }
  if (error instanceof GroupResolverIllegalCharError)
    return `clush: Illegal group character: "${error.message}"`;
  if (error instanceof GroupResolverConfigError) return `clush: Group resolver error: ${error.message}`;
  if (error instanceof GroupResolverSourceError) return `clush: Unknown group source: "${error.message}"`;
  if (error instanceof GroupSourceNoUpcallError) {
    return `clush: No ${error.upcall} upcall defined for group source "${error.source}"`;
  }
  if (error instanceof GroupSourceError) return `clush: Group error: ${error.message}`;
  if (error instanceof TopologyError || error instanceof RouteResolvingError)
    return `clush: TREE MODE: ${error.message}`;
  if (error instanceof IniConfigError || error instanceof ExecError || error instanceof DroverError) {
    return `clush: ${error.message}`;
  }
  const errno = error as NodeJS.ErrnoException;
  if (errno && typeof errno.code === 'string' && typeof errno.syscall === 'string')
    return `ERROR: ${pythonOsError(errno)}`;
  return `clush: unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}

/** Prints the one-line report of `error` and returns the exit code. */
export function reportExecError(error: unknown, stderr: { write(s: string): unknown }): number {
  stderr.write(`${message(error)}\n`);
  return 1;
}

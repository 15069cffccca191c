/**
 * How `nodeset` reports an error: ClusterShell's main() and handle_generic_error, with the same
 * prefixes (`ERROR:` for Python value errors, `nodeset: Parse error:` ...) and exit code 1.
 */
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
import type { OutputStream } from '../io.js';
import { PyTypeError, PyValueError } from './python-format.js';
import { PySyntaxError } from './python-literal.js';

function message(error: unknown): string {
  if (error instanceof NodeSetValueError || error instanceof PyValueError) return `ERROR: ${error.message}`;
  if (error instanceof PySyntaxError) return 'ERROR: invalid separator';
  if (error instanceof NodeSetExternalError) return `nodeset: External error: ${error.message}`;
  if (error instanceof NodeSetParseError || error instanceof RangeSetParseError) {
    return `nodeset: Parse error: ${error.message}`;
  }
  if (error instanceof NodeSetLimitError) return `nodeset: Parse error: ${error.message}`;
  if (error instanceof GroupResolverIllegalCharError)
    return `nodeset: Illegal group character: "${error.message}"`;
  if (error instanceof GroupResolverConfigError) return `nodeset: Group resolver error: ${error.message}`;
  if (error instanceof GroupResolverSourceError) return `nodeset: Unknown group source: "${error.message}"`;
  if (error instanceof GroupSourceNoUpcallError) {
    return `nodeset: No ${error.upcall} upcall defined for group source "${error.source}"`;
  }
  if (error instanceof GroupSourceError) return `nodeset: Group error: ${error.message}`;
  if (error instanceof PyTypeError || error instanceof IniConfigError) return `nodeset: ${error.message}`;
  return `nodeset: unexpected error: ${error instanceof Error ? error.message : String(error)}`;
}

/** Prints the one-line report of `error` and returns the exit code. */
export function reportError(error: unknown, stderr: OutputStream): number {
  stderr.write(`${message(error)}\n`);
  return 1;
}

/**
 * Errors of the node set library. They mirror ClusterShell's exception classes (RangeSet.py, NodeSet.py,
 * NodeUtils.py) so that `drover nodeset` can report them with ClusterShell's wording; each carries the
 * faulty part or the source involved. Messages are the ones ClusterShell builds, e.g.
 * `bad range: "cannot convert string to integer : "0x1""`.
 */
import { DroverError } from '../core/errors.js';

export abstract class NodeSetError extends DroverError {}

/** A range set string could not be parsed; `part` is the offending comma-separated item. */
export class RangeSetParseError extends NodeSetError {
  readonly code = 'rangeset_parse';

  constructor(
    readonly part: string,
    readonly reason: string,
  ) {
    super(part ? `${reason} : "${part}"` : reason);
  }
}

/** A node set string could not be parsed; `part` is the offending piece (absent when there is none). */
export class NodeSetParseError extends NodeSetError {
  readonly code: string = 'nodeset_parse';

  constructor(
    readonly part: string | undefined,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(part ? `${reason}: "${part}"` : reason, options);
  }
}

/** A bracketed range inside a node set was invalid; the RangeSetParseError is the cause. */
export class NodeSetParseRangeError extends NodeSetParseError {
  override readonly code = 'nodeset_parse_range';

  constructor(readonly rangeError: RangeSetParseError) {
    super(rangeError.message, 'bad range', { cause: rangeError });
  }
}

/**
 * A value ClusterShell rejects with a plain Python ValueError, AssertionError or IndexError rather than a
 * parse error (its CLI prints these as `ERROR: <message>`): a range of a billion elements or more, a
 * bracket item with too many dashes, a contiguous run that ends at -1.
 */
export class NodeSetValueError extends NodeSetError {
  readonly code = 'nodeset_value';
}

/** Node indexes are kept as exact JavaScript numbers: digit runs of more than 15 digits are refused. */
export class NodeSetLimitError extends NodeSetError {
  readonly code = 'nodeset_limit';

  constructor(readonly part: string) {
    super(`index too large (more than 15 digits): "${part}"`);
  }
}

/** An error from outside the parser: a group source that cannot list all nodes, a failed query. */
export class NodeSetExternalError extends NodeSetError {
  readonly code = 'nodeset_external';
}

/** Base of the errors raised while resolving `@group` references. */
export abstract class GroupResolverError extends NodeSetError {}

/** The group source named in `@source:group` (or `-s`) does not exist; `<default>` when none is set. */
export class GroupResolverSourceError extends GroupResolverError {
  readonly code = 'group_source_unknown';

  constructor(readonly source: string) {
    super(source);
  }
}

/** A group name listed by a source holds one of the characters `@,!&^*`. */
export class GroupResolverIllegalCharError extends GroupResolverError {
  readonly code = 'group_illegal_char';

  constructor(readonly chars: string) {
    super(chars);
  }
}

/** groups.conf or a groups.d YAML file is invalid. */
export class GroupResolverConfigError extends GroupResolverError {
  readonly code = 'group_config';
}

/**
 * A synchronous parse needed a group that an asynchronous source has not delivered yet. `NodeSet.resolve`
 * and `GroupResolver.settle` wait for the answers and retry; a plain `NodeSet.parse` reports this error.
 * It is deliberately not a GroupResolverError, so that code catching resolver errors lets it through.
 */
export class GroupResolutionPendingError extends NodeSetError {
  readonly code = 'group_pending';

  constructor(readonly source: string) {
    super(`group source "${source}" answers asynchronously: use NodeSet.resolve() or GroupResolver.settle()`);
  }
}

/** Base of the errors of one group source; `source` is its name. */
export abstract class GroupSourceError extends NodeSetError {
  abstract override readonly code: string;

  constructor(
    message: string,
    readonly source: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The source has no such method (ClusterShell's missing `list`, `all` or `reverse` upcall). */
export class GroupSourceNoUpcallError extends GroupSourceError {
  readonly code = 'group_no_upcall';

  constructor(
    readonly upcall: 'map' | 'list' | 'all' | 'reverse',
    source: string,
  ) {
    super(upcall, source);
  }
}

/** A query failed, e.g. an upcall command exited non-zero; `message` is the command line. */
export class GroupSourceQueryFailedError extends GroupSourceError {
  readonly code = 'group_query_failed';
}

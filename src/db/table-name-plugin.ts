/**
 * Maps logical table names (`jobs`) to the configured physical ones (`pf_jobs`) in every statement Kysely
 * builds: queries, `table.column` references, `selectAll('jobs')`, aliases (`jobs as j` keeps `j`), raw
 * `sql.table()`/`sql.ref()`, and the schema builder (create/drop/alter table, create index ... on,
 * `references('jobs.id')`, foreign-key constraints). Repositories and migrations therefore only ever name
 * logical tables.
 *
 * Names that a statement itself defines shadow the logical names inside that statement: a CTE called
 * `tags` is not renamed, and neither is a reference through an alias that reuses a logical name. The
 * scope is the whole statement (not each sub-query), so a CTE or alias must not reuse the logical name
 * of a table that the same statement also reads directly. `sql.id()` and `sql.raw()` are never rewritten.
 */
import {
  AliasNode,
  CommonTableExpressionNameNode,
  IdentifierNode,
  OperationNodeTransformer,
  type TableNode,
  type CommonTableExpressionNameNode as CteNameNode,
  type KyselyPlugin,
  type OperationNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type ReferenceNode,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';

export class TableNamePlugin implements KyselyPlugin {
  readonly #physical: ReadonlyMap<string, string>;

  /** `names` maps logical → physical; identical pairs are skipped so that the plugin costs nothing then. */
  constructor(names: Readonly<Record<string, string>>) {
    this.#physical = new Map(Object.entries(names).filter(([logical, physical]) => logical !== physical));
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.#physical.size === 0) return args.node;
    return new TableNameTransformer(this.#physical, shadowedNames(args.node)).transformNode(
      args.node,
      args.queryId,
    );
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

class TableNameTransformer extends OperationNodeTransformer {
  constructor(
    private readonly physical: ReadonlyMap<string, string>,
    private readonly shadowed: { readonly ctes: ReadonlySet<string>; readonly aliases: ReadonlySet<string> },
  ) {
    super();
  }

  protected override transformTable(node: TableNode): TableNode {
    const name = node.table.identifier.name;
    return this.shadowed.ctes.has(name) ? node : this.#rename(node);
  }

  protected override transformReference(node: ReferenceNode, queryId?: QueryId): ReferenceNode {
    const column = this.transformNode(node.column, queryId);
    const table = node.table;
    if (!table) return { ...node, column };
    const name = table.table.identifier.name;
    const keep = this.shadowed.ctes.has(name) || this.shadowed.aliases.has(name);
    return { ...node, column, table: keep ? table : this.#rename(table) };
  }

  // A CTE's own name is never a physical table.
  protected override transformCommonTableExpressionName(node: CteNameNode): CteNameNode {
    return node;
  }

  #rename(node: TableNode): TableNode {
    const physical = this.physical.get(node.table.identifier.name);
    if (physical === undefined) return node;
    return { ...node, table: { ...node.table, identifier: IdentifierNode.create(physical) } };
  }
}

/** CTE names and aliases defined anywhere in the statement. */
function shadowedNames(root: OperationNode): { ctes: Set<string>; aliases: Set<string> } {
  const ctes = new Set<string>();
  const aliases = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const node = value as OperationNode;
    // Literal values and value lists are leaves; skipping them keeps large multi-row inserts cheap.
    if (node.kind === 'ValueNode' || node.kind === 'PrimitiveValueListNode' || node.kind === 'ValuesNode')
      return;
    if (CommonTableExpressionNameNode.is(node)) ctes.add(node.table.table.identifier.name);
    if (AliasNode.is(node) && IdentifierNode.is(node.alias)) aliases.add(node.alias.name);
    for (const child of Object.values(node)) visit(child);
  };
  visit(root);
  return { ctes, aliases };
}

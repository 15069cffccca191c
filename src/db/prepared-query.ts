/**
 * Statements of the hot paths built and compiled once per database, then run with new values. Kysely
 * builds and compiles every query each time it runs: for the job-state read of every task report (six
 * sub-queries) that took ~60 µs, ten times what SQLite needed to answer it.
 *
 *   const findTask = preparedQuery((db, id: number) =>
 *     db.selectFrom('tasks').selectAll().where('id', '=', id).compile(),
 *   );
 *   const rows = await findTask(trx, 42);
 *
 * The builder is called once per database (a transaction shares its database's statement) with
 * placeholders in place of the values: it must use each argument only as a bound value — never to
 * choose what to build, as a list for `in`, or inside a literal — so that the statement is the same
 * whatever the values. A placeholder that does not come out as a parameter is refused at first use.
 */
import type { CompiledQuery, Kysely, KyselyPlugin } from 'kysely';
import type { Database } from './database.js';

/** Stands for the i-th argument while the statement is built. */
class Placeholder {
  constructor(readonly index: number) {}
}

interface Prepared {
  readonly query: CompiledQuery;
  /** Per parameter: the argument it takes, or -1 for a constant of the statement. */
  readonly slots: readonly number[];
}

export function preparedQuery<A extends unknown[], R>(
  build: (db: Kysely<Database>, ...args: A) => CompiledQuery<R>,
): (db: Kysely<Database>, ...args: A) => Promise<R[]> {
  // Per dialect adapter and plugin list: a transaction has its database's adapter and plugins (in a
  // copied list), while each opened database has its own (its dialect and table names decide the SQL).
  const cache = new WeakMap<object, { plugins: readonly KyselyPlugin[]; prepared: Prepared }[]>();
  return async (db, ...args) => {
    const executor = db.getExecutor();
    let entries = cache.get(executor.adapter);
    if (!entries) {
      entries = [];
      cache.set(executor.adapter, entries);
    }
    let prepared = entries.find((entry) => samePlugins(entry.plugins, executor.plugins))?.prepared;
    if (!prepared) {
      prepared = prepare(db, build, args.length);
      entries.push({ plugins: [...executor.plugins], prepared });
    }
    const { query, slots } = prepared;
    const parameters = query.parameters.map((value, i) => {
      const slot = slots[i]!;
      return slot < 0 ? value : args[slot];
    });
    // The statement's own node stays attached: error translation reads the table names from it.
    const result = await db.executeQuery<R>({ ...query, parameters } as CompiledQuery<R>);
    return result.rows;
  };
}

function prepare<A extends unknown[], R>(
  db: Kysely<Database>,
  build: (db: Kysely<Database>, ...args: A) => CompiledQuery<R>,
  arity: number,
): Prepared {
  const placeholders = Array.from({ length: arity }, (_, i) => new Placeholder(i));
  const query = build(db, ...(placeholders as unknown as A));
  const slots = query.parameters.map((value) => (value instanceof Placeholder ? value.index : -1));
  for (const placeholder of placeholders) {
    if (!slots.includes(placeholder.index)) {
      throw new Error(
        `prepared statement: argument ${placeholder.index} is not a bound value in ${query.sql}`,
      );
    }
  }
  return { query, slots };
}

function samePlugins(a: readonly KyselyPlugin[], b: readonly KyselyPlugin[]): boolean {
  return a.length === b.length && a.every((plugin, i) => plugin === b[i]);
}

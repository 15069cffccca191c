/**
 * Wraps a Kysely dialect so that every statement's failure — queries, BEGIN/COMMIT, savepoints — is
 * translated once by `translateDatabaseError`, and a failure to connect becomes a
 * DatabaseUnavailableError. Nothing above the driver sees a driver error class.
 */
import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { DroverError } from '../../core/errors.js';
import { DatabaseUnavailableError, translateDatabaseError, type TranslationContext } from '../errors.js';

export class TranslatingDialect implements Dialect {
  constructor(
    private readonly inner: Dialect,
    private readonly context: Omit<TranslationContext, 'query'>,
    /** Printed in connection errors; must not contain a password. */
    private readonly description: string,
  ) {}

  createDriver(): Driver {
    return new TranslatingDriver(this.inner.createDriver(), this.context, this.description);
  }
  createQueryCompiler(): QueryCompiler {
    return this.inner.createQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return this.inner.createAdapter();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return this.inner.createIntrospector(db);
  }
}

class TranslatingConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly context: Omit<TranslationContext, 'query'>,
  ) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.inner.executeQuery<R>(compiledQuery);
    } catch (err) {
      throw translateDatabaseError(err, { ...this.context, query: compiledQuery.query });
    }
  }

  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize?: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(compiledQuery, chunkSize);
    } catch (err) {
      throw translateDatabaseError(err, { ...this.context, query: compiledQuery.query });
    }
  }
}

class TranslatingDriver implements Driver {
  readonly #wrappers = new WeakMap<DatabaseConnection, TranslatingConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly context: Omit<TranslationContext, 'query'>,
    private readonly description: string,
  ) {}

  async init(): Promise<void> {
    await this.#connecting(() => this.inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.#connecting(() => this.inner.acquireConnection());
    let wrapper = this.#wrappers.get(connection);
    if (!wrapper) {
      wrapper = new TranslatingConnection(connection, this.context);
      this.#wrappers.set(connection, wrapper);
    }
    return wrapper;
  }

  // Transaction control goes through the wrapper so that failures at BEGIN or COMMIT are translated too.
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }
  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#savepoints().savepoint(connection, name, compileQuery);
  }
  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#savepoints().rollbackToSavepoint(connection, name, compileQuery);
  }
  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.#savepoints().releaseSavepoint(connection, name, compileQuery);
  }

  // The inner driver may keep private state on its own connection objects (pg's release hook).
  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  #savepoints(): Required<Pick<Driver, 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint'>> {
    const { savepoint, rollbackToSavepoint, releaseSavepoint } = this.inner;
    if (!savepoint || !rollbackToSavepoint || !releaseSavepoint) {
      throw new Error('this database driver does not support savepoints');
    }
    return {
      savepoint: savepoint.bind(this.inner),
      rollbackToSavepoint: rollbackToSavepoint.bind(this.inner),
      releaseSavepoint: releaseSavepoint.bind(this.inner),
    };
  }

  async #connecting<T>(connect: () => Promise<T>): Promise<T> {
    try {
      return await connect();
    } catch (err) {
      if (err instanceof DroverError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new DatabaseUnavailableError(`cannot connect to ${this.description}: ${reason}`, { cause: err });
    }
  }
}

function unwrap(connection: DatabaseConnection): DatabaseConnection {
  return connection instanceof TranslatingConnection ? connection.inner : connection;
}

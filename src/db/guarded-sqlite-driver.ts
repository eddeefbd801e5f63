import { AsyncLocalStorage } from 'node:async_hooks';
import {
  Kysely,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type SqliteDialectConfig,
  type Transaction,
} from 'kysely';
import { AppError } from '../errors/app-error.js';

/**
 * One SQLite connection serves the whole process, so a transaction holds it across every `await`
 * in its callback, and everything else queues behind it. Kysely's own driver queues forever; this
 * one bounds the wait (`waitMs`, the busy timeout), so a transaction that never ends fails the
 * calls behind it with 503 `database_busy` instead of hanging the service.
 *
 * The classic way to get such a transaction is a query through the root handle *inside* a
 * transaction callback (a service method that does not take `trx`): it waits for the very
 * transaction it is part of. In strict mode (tests) that is detected at once: the callback runs in
 * an AsyncLocalStorage scope, and acquiring the root connection from inside it throws. Strict mode
 * is opt-in because AsyncLocalStorage turns on promise hooks in Node 20, which costs every await.
 */
export class GuardedSqliteDriver extends SqliteDriver {
  private connection?: DatabaseConnection;
  private held = false;
  private readonly waiters: { grant: () => void; timer: NodeJS.Timeout }[] = [];

  constructor(
    config: SqliteDialectConfig,
    private readonly waitMs: number,
    private readonly transactionScope?: AsyncLocalStorage<TransactionScope>,
  ) {
    super(config);
  }

  override async init(): Promise<void> {
    await super.init();
    this.connection = await super.acquireConnection();
    await super.releaseConnection();
  }

  override acquireConnection(): Promise<DatabaseConnection> {
    if (this.transactionScope?.getStore()?.open)
      throw new Error(
        'a query through the root database handle ran inside an open transaction: it would wait for ' +
          'that transaction forever. Pass the transaction (trx) to the repository instead.',
      );
    const connection = this.connection!;
    if (!this.held) {
      this.held = true;
      return Promise.resolve(connection);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve(connection);
        },
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(
            new AppError(
              'database_busy',
              `the database stayed locked by another operation for ${this.waitMs} ms; try again`,
            ),
          );
        }, this.waitMs),
      };
      this.waiters.push(waiter);
    });
  }

  override async releaseConnection(): Promise<void> {
    const next = this.waiters.shift();
    if (next) next.grant();
    else this.held = false;
  }
}

export interface TransactionScope {
  open: boolean;
}

/** Kysely's SQLite dialect with the guarded driver. */
export class GuardedSqliteDialect implements Dialect {
  constructor(
    private readonly config: SqliteDialectConfig,
    private readonly waitMs: number,
    private readonly transactionScope?: AsyncLocalStorage<TransactionScope>,
  ) {}
  createDriver = () => new GuardedSqliteDriver(this.config, this.waitMs, this.transactionScope);
  createQueryCompiler = () => new SqliteQueryCompiler();
  createAdapter = () => new SqliteAdapter();
  createIntrospector = (db: Kysely<unknown>) => new SqliteIntrospector(db);
}

/**
 * Runs every transaction callback of `db` inside `scope`, marked open until the callback settles
 * (work it starts that outlives the transaction is then free to query again).
 */
export function scopeTransactions<DB>(
  db: Kysely<DB>,
  scope: AsyncLocalStorage<TransactionScope>,
): Kysely<DB> {
  const transaction = db.transaction.bind(db);
  db.transaction = () => {
    const builder = transaction();
    return new Proxy(builder, {
      get(target, prop) {
        if (prop === 'execute')
          return <T>(fn: (trx: Transaction<DB>) => Promise<T>) =>
            target.execute(async (trx) => {
              const marker = { open: true };
              try {
                return await scope.run(marker, () => fn(trx));
              } finally {
                marker.open = false;
              }
            });
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
  return db;
}

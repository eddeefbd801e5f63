import type { Db } from './database.js';

/**
 * Runs `fn` in one transaction and hands it the transaction's handle, which repositories take as
 * their optional last argument. Services that must write through several repositories atomically
 * get one of these instead of the database itself, so SQL stays in repositories. Inside `fn`,
 * every query must go through `trx`: the root handle would wait for this very transaction
 * (guarded-sqlite-driver.ts).
 */
export type Transactor = <T>(fn: (trx: Db) => Promise<T>) => Promise<T>;

export const transactor =
  (db: Db): Transactor =>
  (fn) =>
    db.transaction().execute(fn);

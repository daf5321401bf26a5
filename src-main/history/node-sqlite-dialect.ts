import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { SqliteDialect, type SqliteDatabase } from 'kysely';

/**
 * Kysely's SQLite dialect over Node's built-in `node:sqlite`. Kysely ships the dialect for
 * better-sqlite3's interface, which `node:sqlite` almost has: it spreads parameters instead of taking
 * an array, and says through `columns()` whether a statement returns rows. Written by hand because no
 * maintained adapter exists, and a native module would need a compiler and headers at install.
 */
function asKyselyDatabase(db: DatabaseSync): SqliteDatabase {
  return {
    close: () => db.close(),
    prepare(sql) {
      const statement = db.prepare(sql);
      const values = (parameters: ReadonlyArray<unknown>) => parameters as SQLInputValue[];
      return {
        reader: statement.columns().length > 0,
        all: (parameters) => statement.all(...values(parameters)),
        run: (parameters) => statement.run(...values(parameters)),
        iterate: (parameters) => statement.iterate(...values(parameters)),
      };
    },
  };
}

/**
 * Opens (creating) a SQLite file for a crash-safe journal: WAL, and every commit synced to disk before
 * it returns, so a `kill -9` (or a power cut) loses nothing that was committed; space freed by pruning
 * is given back to the file system (incremental vacuum).
 */
export function nodeSqliteDialect(file: string): { dialect: SqliteDialect; compact(): void } {
  const db = new DatabaseSync(file);
  // auto_vacuum takes effect only on a new file (before its first table): pruned pages can then be freed.
  db.exec(
    'PRAGMA auto_vacuum = INCREMENTAL; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;',
  );
  return {
    dialect: new SqliteDialect({ database: asKyselyDatabase(db) }),
    // exec steps the pragma to its end: it frees one page per step, so a prepared run() would free one.
    compact: () => db.exec('PRAGMA incremental_vacuum'),
  };
}

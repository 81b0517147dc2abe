import { MIGRATIONS, type Migration } from '../schema.js';
import type { DuckDb } from './db.js';

/** Applies every migration not yet recorded in `schema_migrations`, each in its own transaction. */
export async function migrate(db: DuckDb, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  await db.run(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`);
  const done = new Set((await db.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    await db.transaction(async (conn) => {
      for (const stmt of m.sql) await db.run(stmt, undefined, conn);
      await db.run('INSERT INTO schema_migrations VALUES ($1, $2, now()::TIMESTAMP)', [m.version, m.name], conn);
    });
    applied.push(m.version);
  }
  return applied;
}

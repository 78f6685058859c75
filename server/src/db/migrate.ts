import { fileURLToPath } from 'node:url';
import { migrate as drizzleMigrate } from 'drizzle-orm/node-postgres/migrator';
import { runMigrations as migrateGraphileWorker } from 'graphile-worker';
import { graphileLogger } from '../log.ts';
import type { Database } from './client.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../migrations', import.meta.url));
/** Any constant: processes starting together take turns migrating. */
const MIGRATION_LOCK = 7_310_042;

/** Applies Junction's migrations and graphile-worker's, one process at a time. */
export async function migrate(database: Database): Promise<void> {
  const client = await database.pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await drizzleMigrate(database.db, { migrationsFolder: MIGRATIONS_FOLDER });
    await migrateGraphileWorker({ pgPool: database.pool, logger: graphileLogger });
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  } finally {
    // On failure the lock goes with the session: releasing the client ends it.
    client.release(true);
  }
}

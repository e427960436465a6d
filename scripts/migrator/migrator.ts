import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createMigrationsTable, markRolledBack, readAppliedMigrations, recordApplied, recordFailed } from './bookkeeping.js';
import { matchesChecksum } from './checksum.js';
import { MigrationError } from './migration-error.js';
import { readMigrations } from './read-migrations.js';

export { MigrationError };

/**
 * Our own `prisma migrate deploy`: Prisma's CLI needs a native schema engine that cannot be
 * downloaded on the build machines (see README). Same layout and bookkeeping, so the real CLI
 * agrees wherever it runs. Each migration applies in one transaction together with its record.
 */

// The key Prisma Migrate itself locks, so our migrator and `prisma migrate deploy` also exclude each other.
const ADVISORY_LOCK_KEY = 72707369;

export interface MigrateOptions {
  readonly databaseUrl: string;
  readonly migrationsDir: string;
  readonly log?: (message: string) => void;
}

export async function migrate({ databaseUrl, migrationsDir, log = () => {} }: MigrateOptions): Promise<{ applied: string[] }> {
  const migrations = await readMigrations(migrationsDir);
  return withMigrationLock(databaseUrl, async (client) => {
    const applied = await readAppliedMigrations(client);
    const onDisk = new Map(migrations.map((migration) => [migration.name, migration]));

    const failed = applied.find((row) => row.finishedAt === null && row.rolledBackAt === null);
    if (failed) {
      throw new MigrationError(
        `Migration ${failed.migrationName} failed earlier and blocks the others. Its transaction was rolled back; ` +
          `fix the file, then mark it rolled back (npm run db:migrate -- --rolled-back ${failed.migrationName}) and run again. ` +
          `Error was: ${failed.logs ?? 'unknown'}`,
      );
    }
    const finished = applied.filter((row) => row.finishedAt !== null);
    for (const row of finished) {
      const file = onDisk.get(row.migrationName);
      if (!file) throw new MigrationError(`Migration ${row.migrationName} is applied in the database but missing from ${migrationsDir}.`);
      if (file.checksum !== row.checksum && !matchesChecksum(file.sql, row.checksum)) {
        throw new MigrationError(
          `Migration ${row.migrationName} was edited after it was applied (checksum ${row.checksum} in the database, ${file.checksum} on disk). ` +
            `Applied migrations must not change: restore the file and put the change in a new migration.`,
        );
      }
    }

    const done = new Set(finished.map((row) => row.migrationName));
    const newlyApplied: string[] = [];
    for (const migration of migrations.filter((m) => !done.has(m.name))) {
      const id = randomUUID();
      try {
        await client.query('BEGIN');
        await client.query(migration.sql);
        await recordApplied(client, id, migration.name, migration.checksum);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        const message = error instanceof Error ? error.message : String(error);
        await recordFailed(client, id, migration.name, migration.checksum, message);
        throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${message}`);
      }
      log(`applied ${migration.name}`);
      newlyApplied.push(migration.name);
    }
    return { applied: newlyApplied };
  });
}

/** Marks a failed migration as rolled back so the next run retries it (`prisma migrate resolve --rolled-back`). */
export async function resolveRolledBack(databaseUrl: string, migrationName: string): Promise<boolean> {
  return withMigrationLock(databaseUrl, async (client) => (await markRolledBack(client, migrationName)) > 0);
}

async function withMigrationLock<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Session lock on this connection: a second migrator waits here, then finds nothing to do.
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
    await client.query(createMigrationsTable);
    return await work(client);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

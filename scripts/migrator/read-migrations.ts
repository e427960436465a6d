import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checksumOf } from './checksum.js';
import { MigrationError } from './migration-error.js';

export interface MigrationFile {
  /** The folder name, `<timestamp>_<name>`, as Prisma Migrate records it. */
  readonly name: string;
  readonly sql: string;
  /** sha256 of the file, hex: the value Prisma Migrate keeps in `_prisma_migrations.checksum`. */
  readonly checksum: string;
}

/** The migrations in Prisma Migrate's layout (`<dir>/<name>/migration.sql`), in the order they apply. */
export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(join(migrationsDir, name, 'migration.sql')).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') throw new MigrationError(`Migration ${name} has no migration.sql in ${join(migrationsDir, name)}.`);
        throw error;
      });
      return { name, sql: bytes.toString('utf8'), checksum: checksumOf(bytes) };
    }),
  );
}

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

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
      const bytes = await readFile(join(migrationsDir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    }),
  );
}

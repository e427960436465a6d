import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, MigrationError, resolveRolledBack } from '../scripts/migrator/migrator.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

const projectMigrations = new URL('../prisma/migrations', import.meta.url).pathname;
// Every migration folder in the project, in the order they apply.
const projectMigrationNames = readdirSync(projectMigrations, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

let database: TestDatabase;
let scratch: string;
beforeEach(async () => {
  database = await createTestDatabase('migrator_test');
  scratch = await mkdtemp(join(tmpdir(), 'migrations-'));
});
afterEach(async () => {
  await database.drop();
  await rm(scratch, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function writeMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(join(dir, name), { recursive: true });
  await writeFile(join(dir, name, 'migration.sql'), sql);
}

const tableNames = async () =>
  (await query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).map((r) => r.table_name);

describe('the migrator', () => {
  it('applies every migration to a fresh database and records it as Prisma Migrate does', async () => {
    const { applied } = await migrate({ databaseUrl: database.url, migrationsDir: projectMigrations });
    expect(applied).toEqual(projectMigrationNames);
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number; rolled_back_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM _prisma_migrations ORDER BY migration_name',
    );
    const expected = await Promise.all(
      projectMigrationNames.map(async (name) => ({
        migration_name: name,
        checksum: createHash('sha256').update(await readFile(join(projectMigrations, name, 'migration.sql'))).digest('hex'),
        finished_at: expect.any(Date),
        applied_steps_count: 1,
        rolled_back_at: null,
      })),
    );
    expect(rows).toEqual(expected);
    expect(await tableNames()).toEqual(expect.arrayContaining(['customers', 'invoices', 'collection_events', 'payments', '_prisma_migrations']));
  });

  it('does nothing when run again', async () => {
    await migrate({ databaseUrl: database.url, migrationsDir: projectMigrations });
    expect(await migrate({ databaseUrl: database.url, migrationsDir: projectMigrations })).toEqual({ applied: [] });
    expect(await query('SELECT 1 FROM _prisma_migrations')).toHaveLength(projectMigrationNames.length);
  });

  it('applies migrations in order, only the new ones on a later run', async () => {
    await writeMigration(scratch, '20260101000000_first', 'CREATE TABLE a (id int);');
    expect((await migrate({ databaseUrl: database.url, migrationsDir: scratch })).applied).toEqual(['20260101000000_first']);
    await writeMigration(scratch, '20260301000000_third', 'ALTER TABLE b ADD COLUMN note text;');
    await writeMigration(scratch, '20260201000000_second', 'CREATE TABLE b (a_id int);');
    expect((await migrate({ databaseUrl: database.url, migrationsDir: scratch })).applied).toEqual(['20260201000000_second', '20260301000000_third']);
  });

  it('refuses to start when an applied migration was edited, naming it', async () => {
    await cp(projectMigrations, scratch, { recursive: true });
    await migrate({ databaseUrl: database.url, migrationsDir: scratch });
    const file = join(scratch, '20261122094500_init', 'migration.sql');
    await writeFile(file, `${await readFile(file, 'utf8')}\n-- an innocent-looking edit\n`);
    await expect(migrate({ databaseUrl: database.url, migrationsDir: scratch })).rejects.toThrow(
      /Migration 20261122094500_init was edited after it was applied/,
    );
  });

  it('treats a file whose line endings alone changed as unchanged, as Prisma Migrate does', async () => {
    await writeMigration(scratch, '20260101000000_first', 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n');
    await migrate({ databaseUrl: database.url, migrationsDir: scratch });
    await writeMigration(scratch, '20260101000000_first', 'CREATE TABLE a (id int);\r\nCREATE TABLE b (id int);\r\n');
    expect(await migrate({ databaseUrl: database.url, migrationsDir: scratch })).toEqual({ applied: [] });
  });

  it('refuses a migration folder without migration.sql, naming it', async () => {
    await mkdir(join(scratch, '20260101000000_empty'));
    await expect(migrate({ databaseUrl: database.url, migrationsDir: scratch })).rejects.toThrow(/Migration 20260101000000_empty has no migration.sql/);
  });

  it('refuses when an applied migration is missing on disk', async () => {
    await writeMigration(scratch, '20260101000000_first', 'CREATE TABLE a (id int);');
    await migrate({ databaseUrl: database.url, migrationsDir: scratch });
    await rm(join(scratch, '20260101000000_first'), { recursive: true });
    await expect(migrate({ databaseUrl: database.url, migrationsDir: scratch })).rejects.toThrow(/20260101000000_first is applied in the database but missing/);
  });

  it('applies each migration once when two migrators race', async () => {
    const [one, two] = await Promise.all([
      migrate({ databaseUrl: database.url, migrationsDir: projectMigrations }),
      migrate({ databaseUrl: database.url, migrationsDir: projectMigrations }),
    ]);
    expect([...one.applied, ...two.applied].sort()).toEqual(projectMigrationNames);
    expect(await query('SELECT 1 FROM _prisma_migrations')).toHaveLength(projectMigrationNames.length);
  });

  it('rolls back a failing migration whole, records the failure, and blocks until it is resolved', async () => {
    await writeMigration(scratch, '20260101000000_good', 'CREATE TABLE good (id int);');
    await writeMigration(scratch, '20260201000000_bad', 'CREATE TABLE half (id int);\nSELECT * FROM no_such_table;');
    const failure = migrate({ databaseUrl: database.url, migrationsDir: scratch });
    await expect(failure).rejects.toThrow(MigrationError);
    await expect(failure).rejects.toThrow(/20260201000000_bad failed and was rolled back: relation "no_such_table" does not exist/);
    expect(await tableNames()).toEqual(['_prisma_migrations', 'good']); // no half-applied table

    await expect(migrate({ databaseUrl: database.url, migrationsDir: scratch })).rejects.toThrow(/20260201000000_bad failed earlier and blocks/);

    await writeMigration(scratch, '20260201000000_bad', 'CREATE TABLE half (id int);');
    expect(await resolveRolledBack(database.url, '20260201000000_bad')).toBe(true);
    expect((await migrate({ databaseUrl: database.url, migrationsDir: scratch })).applied).toEqual(['20260201000000_bad']);
    expect(await tableNames()).toEqual(['_prisma_migrations', 'good', 'half']);
  });
});

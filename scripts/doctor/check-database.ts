import { join } from 'node:path';
import pg from 'pg';
import { embeddedDatabaseUrl } from '../embedded-postgres/embedded-postgres.js';
import { readAppliedMigrations } from '../migrator/bookkeeping.js';
import { readMigrations } from '../migrator/read-migrations.js';
import { markers, pidFileIsOurs, type DoctorContext } from './context.js';
import { error, ok, warn, type Finding } from './finding.js';
import { portAnswers } from './port-holder.js';

const redact = (url: string) => {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.href;
};

/**
 * The database `npm run dev` would use, chosen as scripts/lib/common.sh's ensure_dev_postgres
 * does: DATABASE_URL; the embedded server a detached run left; a server on 127.0.0.1:$PGPORT.
 */
async function devDatabaseUrl(context: DoctorContext): Promise<string | undefined> {
  if (context.env.DATABASE_URL) return context.env.DATABASE_URL;
  const port = Number(context.env.PGPORT || 5432);
  const database = context.env.PGDATABASE || 'collections';
  if (await pidFileIsOurs(join(context.dataDir, 'run', 'postgres.pid'), markers.embeddedPostgres)) return embeddedDatabaseUrl(port, database);
  if (await portAnswers(port)) return `postgresql://postgres@127.0.0.1:${port}/${database}`;
  return undefined;
}

/** The database answers, exists, and has every migration of prisma/migrations applied. */
export async function checkDatabase(context: DoctorContext): Promise<Finding[]> {
  const url = await devDatabaseUrl(context);
  if (!url) {
    const port = context.env.PGPORT || 5432;
    if (context.beforeStart) return [ok('database', `nothing answers on 127.0.0.1:${port}: the embedded PostgreSQL will start (data in ${join(context.dataDir, 'postgres')})`)];
    return [error('database', `no DATABASE_URL and nothing answers on 127.0.0.1:${port}`, 'npm run dev starts the embedded PostgreSQL; or start your PostgreSQL server, or set DATABASE_URL')];
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
  } catch (caught) {
    const problem = caught as Error & { code?: string };
    if (problem.code === '3D000') {
      const detail = `${redact(url)} does not exist yet`;
      return [context.beforeStart ? ok('database', `${detail}: it will be created`) : warn('database', detail, 'npm run db:migrate creates and migrates it')];
    }
    return [error('database', `cannot connect to ${redact(url)}: ${problem.message}`, 'start that PostgreSQL server, or correct DATABASE_URL (user, password, host, port)')];
  }
  try {
    return [ok('database', `${redact(url)} answers`), ...(await checkMigrations(client, context))];
  } finally {
    await client.end();
  }
}

async function checkMigrations(client: pg.Client, context: DoctorContext): Promise<Finding[]> {
  const files = await readMigrations(context.migrationsDir);
  const { rows } = await client.query<{ exists: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS exists`);
  const applied = rows[0]?.exists ? await readAppliedMigrations(client) : [];
  const failed = applied.filter((migration) => migration.finishedAt === null && migration.rolledBackAt === null);
  const done = new Set(applied.filter((migration) => migration.finishedAt !== null && migration.rolledBackAt === null).map((migration) => migration.migrationName));
  const pending = files.filter((file) => !done.has(file.name)).map((file) => file.name);
  const findings = failed.map((migration) =>
    error('migrations', `${migration.migrationName} failed: ${migration.logs ?? 'no log'}`, `fix the cause, then npm run db:migrate -- --rolled-back ${migration.migrationName}`),
  );
  if (pending.length === 0) findings.push(ok('migrations', `all ${files.length} applied`));
  else if (context.beforeStart) findings.push(ok('migrations', `${pending.length} pending: they will be applied`));
  else findings.push(...pending.map((name) => error('migrations', `${name} is pending`, 'npm run db:migrate applies it (npm run dev does too)')));
  return findings;
}

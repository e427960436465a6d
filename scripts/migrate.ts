// Creates the database if needed and applies prisma/migrations (see scripts/migrator/migrator.ts).
// `--rolled-back <name>` marks a failed migration as rolled back, like `prisma migrate resolve`.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { ensureDatabase } from './migrator/ensure-database.js';
import { migrate, MigrationError, resolveRolledBack } from './migrator/migrator.js';

const { values } = parseArgs({ options: { 'rolled-back': { type: 'string' } } });
const { DATABASE_URL } = loadConfig();
const migrationsDir = fileURLToPath(new URL('../prisma/migrations', import.meta.url));
const database = new URL(DATABASE_URL).pathname.slice(1);

try {
  if (await ensureDatabase(DATABASE_URL)) console.log(`created database ${database}`);
  if (values['rolled-back']) {
    const marked = await resolveRolledBack(DATABASE_URL, values['rolled-back']);
    console.log(marked ? `marked ${values['rolled-back']} as rolled back` : `no failed attempt of ${values['rolled-back']} to mark`);
  }
  const { applied } = await migrate({ databaseUrl: DATABASE_URL, migrationsDir, log: (message) => console.log(message) });
  console.log(applied.length ? `database ${database}: ${applied.length} migration(s) applied` : `database ${database} is up to date`);
} catch (error) {
  if (error instanceof MigrationError) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

// Runs the embedded PostgreSQL for `npm run dev` until SIGINT/SIGTERM, then stops it (the
// library's exit hook). Cluster in $DATA_DIR/postgres, port $PGPORT (5432). Prints "ready" when
// it accepts connections; scripts/start-embedded-postgres.sh waits for that line.
import { join } from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres.js';

const dataDir = join(process.env.DATA_DIR ?? join(process.cwd(), '.data'), 'postgres');
const port = Number(process.env.PGPORT || 5432);

try {
  await startEmbeddedPostgres({ dataDir, port, log: (line) => console.log(line) });
  console.log(`ready: embedded PostgreSQL on 127.0.0.1:${port}, data in ${dataDir}`);
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

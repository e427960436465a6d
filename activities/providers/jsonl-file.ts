import { createHash, randomUUID } from 'node:crypto';
import { appendFile, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * The local sinks' store: one JSON object per line, at most one per idempotency key. A key seen
 * before returns its first entry, as a real provider answers a repeated request.
 *
 * Each key claims a marker file `<dir>/.<name>.keys/<sha256 of key>.json` holding its entry, by
 * hard-linking a finished temporary file to that name: link() fails if the name exists, so of two
 * writers of one key (two worker processes, or two retries at once) exactly one wins, and the
 * loser reads a complete entry. A send costs the same however long the file grows (reading the
 * whole file per send made a storm of N sends cost N² and later runs slower than earlier ones).
 */
export async function appendOnce<T extends { idempotencyKey: string }>(file: string, idempotencyKey: string, makeEntry: () => T): Promise<T> {
  const keys = join(dirname(file), `.${basename(file)}.keys`);
  await mkdir(keys, { recursive: true });
  const marker = join(keys, `${createHash('sha256').update(idempotencyKey).digest('hex')}.json`);
  const earlier = await readEntry<T>(marker);
  if (earlier) return earlier;
  const entry = makeEntry();
  const line = JSON.stringify(entry);
  const draft = `${marker}.${randomUUID()}.tmp`;
  await writeFile(draft, line);
  try {
    await link(draft, marker);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readEntry<T>(marker))!; // another writer claimed the key first: its entry stands
  } finally {
    await unlink(draft);
  }
  await appendFile(file, `${line}\n`);
  return entry;
}

async function readEntry<T>(marker: string): Promise<T | undefined> {
  const text = await readFile(marker, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

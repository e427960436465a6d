import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The local sinks' store: one JSON object per line, at most one per idempotency key. A key seen
 * before returns its first entry, as a real provider answers a repeated request.
 */
export async function appendOnce<T extends { idempotencyKey: string }>(file: string, idempotencyKey: string, makeEntry: () => T): Promise<T> {
  await mkdir(dirname(file), { recursive: true });
  const earlier = (await readFile(file, 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T)
    .find((entry) => entry.idempotencyKey === idempotencyKey);
  if (earlier) return earlier;
  const entry = makeEntry();
  await appendFile(file, `${JSON.stringify(entry)}\n`);
  return entry;
}

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendOnce } from '../activities/providers/jsonl-file.js';

interface Entry {
  readonly idempotencyKey: string;
  readonly writer: number;
}

describe('the local sinks’ store (appendOnce)', () => {
  let dir: string;
  let file: string;
  const lines = async () => (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line) as Entry);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jsonl-file-'));
    file = join(dir, 'email.jsonl');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('answers a repeated key with its first entry and writes no second line', async () => {
    const first = await appendOnce<Entry>(file, 'k-1', () => ({ idempotencyKey: 'k-1', writer: 1 }));
    const again = await appendOnce<Entry>(file, 'k-1', () => ({ idempotencyKey: 'k-1', writer: 2 }));
    await appendOnce<Entry>(file, 'k-2', () => ({ idempotencyKey: 'k-2', writer: 3 }));
    expect(again).toEqual(first);
    expect(await lines()).toEqual([first, { idempotencyKey: 'k-2', writer: 3 }]);
  });

  it('writes one line for a key that twenty writers send at the same moment, and every writer gets that line’s entry', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, writer) => appendOnce<Entry>(file, 'same-key', () => ({ idempotencyKey: 'same-key', writer }))));
    const written = await lines();
    expect(written).toHaveLength(1);
    expect(new Set(answers.map((answer) => answer.writer))).toEqual(new Set([written[0]!.writer]));
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Payload } from '@temporalio/common';
import { afterAll, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA_KEY, keyIdOf } from '../codec/aes-gcm-codec.js';
import { ConfigError, parseConfig } from '../config/load.js';
import { payloadEncryptionKeys } from '../config/payload-encryption.js';
import { keysFrom, newKeyEntry } from './support/payload-encryption.js';

const plain = (value: unknown): Payload => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) });
const textOf = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString();
const oldKey = newKeyEntry('2025-old');
const newKey = newKeyEntry('2026-new');

describe('the AES-256-GCM payload codec', () => {
  it('encrypts the whole payload, its encoding too, under the newest key, and decrypts it back', async () => {
    const codec = new AesGcmPayloadCodec(keysFrom(`${newKey},${oldKey}`));
    const [encrypted] = await codec.encode([plain({ email: 'ap@acme.example' })]);
    expect(textOf(encrypted!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(textOf(encrypted!.metadata![KEY_ID_METADATA_KEY])).toBe('2026-new');
    expect(Object.keys(encrypted!.metadata!)).toEqual(['encoding', KEY_ID_METADATA_KEY]);
    expect(textOf(encrypted!.data)).not.toMatch(/acme|json/);
    const [decrypted] = await codec.decode([encrypted!]);
    expect(textOf(decrypted!.metadata!.encoding)).toBe('json/plain');
    expect(JSON.parse(textOf(decrypted!.data))).toEqual({ email: 'ap@acme.example' });
  });

  it('uses a fresh IV each time: the same value never encrypts to the same bytes', async () => {
    const codec = new AesGcmPayloadCodec(keysFrom(newKey));
    const [a, b] = await codec.encode([plain('same'), plain('same')]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('reads what an old key encrypted once a new key is listed first', async () => {
    const [old] = await new AesGcmPayloadCodec(keysFrom(oldKey)).encode([plain('before rotation')]);
    const rotated = new AesGcmPayloadCodec(keysFrom(`${newKey},${oldKey}`));
    expect(keyIdOf(old!)).toBe('2025-old');
    expect(textOf((await rotated.decode([old!]))[0]!.data)).toBe('"before rotation"');
    expect(keyIdOf((await rotated.encode([plain('after')]))[0]!)).toBe('2026-new');
  });

  it('passes through payloads it did not encrypt (history from before encryption)', async () => {
    const codec = new AesGcmPayloadCodec(keysFrom(newKey));
    const unencrypted = plain({ old: true });
    expect(await codec.decode([unencrypted])).toEqual([unencrypted]);
  });

  it('fails loudly on a key id it does not have, naming that id', async () => {
    const [old] = await new AesGcmPayloadCodec(keysFrom(oldKey)).encode([plain('x')]);
    await expect(new AesGcmPayloadCodec(keysFrom(newKey)).decode([old!])).rejects.toThrow(/key id "2025-old": no such key among 2026-new/);
  });

  it('refuses altered data and a payload relabelled with another key id', async () => {
    const codec = new AesGcmPayloadCodec(keysFrom(`${newKey},${oldKey}`));
    const [encrypted] = await codec.encode([plain('x')]);
    const flipped = Buffer.from(encrypted!.data!);
    flipped[20]! ^= 1;
    await expect(codec.decode([{ ...encrypted!, data: flipped }])).rejects.toThrow(/authentication failed/);
    const relabelled = { ...encrypted!, metadata: { ...encrypted!.metadata!, [KEY_ID_METADATA_KEY]: Buffer.from('2025-old') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/authentication failed/);
  });
});

describe('payload encryption keys from the configuration', () => {
  const problemsOf = (run: () => unknown): string[] => {
    try {
      run();
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('expected a configuration error');
  };
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('reads id:base64key entries, newest first', () => {
    const keys = payloadEncryptionKeys(parseConfig({ PAYLOAD_ENCRYPTION_KEYS: `${newKey}, ${oldKey}` }));
    expect(keys.map((k) => k.id)).toEqual(['2026-new', '2025-old']);
    expect(keys.every((k) => k.key.length === 32)).toBe(true);
  });

  it.each([
    ['', /PAYLOAD_ENCRYPTION_KEYS must be set/],
    ['just-a-key', /PAYLOAD_ENCRYPTION_KEYS must be id:base64key entries.*entry 1 has no id/],
    [`k1:${Buffer.alloc(16).toString('base64')}`, /PAYLOAD_ENCRYPTION_KEYS must be .*entry 1 \(id k1\) is not 32 bytes of base64/],
    [`${newKey},2026-new:${Buffer.alloc(32, 1).toString('base64')}`, /PAYLOAD_ENCRYPTION_KEYS must name each key once; id 2026-new appears twice/],
  ])('refuses PAYLOAD_ENCRYPTION_KEYS=%j naming the variable and never the key', (value, expected) => {
    const problems = problemsOf(() => payloadEncryptionKeys(parseConfig({ PAYLOAD_ENCRYPTION_KEYS: value })));
    expect(problems.join('\n')).toMatch(expected);
    expect(problems.join('\n')).not.toContain(Buffer.alloc(32, 1).toString('base64'));
  });

  it('reads a key file with comments, and names PAYLOAD_ENCRYPTION_KEY_FILE when it is missing or wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keys-'));
    dirs.push(dir);
    const file = join(dir, 'keys');
    await writeFile(file, `# newest first, the old one kept to read old cases\n${newKey} # since 2026\n\n${oldKey}\n`);
    expect(payloadEncryptionKeys(parseConfig({ PAYLOAD_ENCRYPTION_KEY_FILE: file })).map((k) => k.id)).toEqual(['2026-new', '2025-old']);
    expect(problemsOf(() => payloadEncryptionKeys(parseConfig({ PAYLOAD_ENCRYPTION_KEY_FILE: join(dir, 'absent') })))).toEqual([expect.stringMatching(/^PAYLOAD_ENCRYPTION_KEY_FILE names a file that cannot be read \(ENOENT\)/)]);
    await writeFile(file, 'k1:short\n');
    expect(problemsOf(() => payloadEncryptionKeys(parseConfig({ PAYLOAD_ENCRYPTION_KEY_FILE: file }))).join('\n')).toMatch(/^PAYLOAD_ENCRYPTION_KEY_FILE must be .*entry 1 \(id k1\)/);
    expect(problemsOf(() => parseConfig({ PAYLOAD_ENCRYPTION_KEYS: newKey, PAYLOAD_ENCRYPTION_KEY_FILE: file }))).toEqual([expect.stringMatching(/^PAYLOAD_ENCRYPTION_KEY_FILE must not be set together with PAYLOAD_ENCRYPTION_KEYS/)]);
  });

  it('checks the codec server token and the UI origins', () => {
    expect(problemsOf(() => parseConfig({ CODEC_SERVER_TOKEN: 'short' })).join('\n')).toMatch(/^CODEC_SERVER_TOKEN must be at least 32/);
    expect(problemsOf(() => parseConfig({ CODEC_CORS_ORIGINS: 'http://ui.example/path' })).join('\n')).toMatch(/^CODEC_CORS_ORIGINS.* must be origins like/);
    expect(parseConfig({ CODEC_CORS_ORIGINS: 'http://a.example:8233, https://b.example' }).CODEC_CORS_ORIGINS).toEqual(['http://a.example:8233', 'https://b.example']);
  });
});

import { z } from 'zod';

/** One AES-256 key and the id written next to every payload it encrypts. */
export interface EncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

const KEY_BYTES = 32;
const keyIdPattern = /^[A-Za-z0-9._-]{1,64}$/;
const base64Pattern = /^[A-Za-z0-9+/]+={0,2}$/;
const expected = 'id:base64key entries, newest first, separated by commas or lines; each key 32 random bytes in base64 (openssl rand -base64 32)';

/**
 * A key list as `id:base64key,id:base64key`, newest first: new payloads are encrypted with the first,
 * every listed key can decrypt. Blank lines and `#` comments are allowed (key files). Messages name
 * the entry by position, never its value.
 */
export const encryptionKeyList = z.string().transform((text, ctx): EncryptionKey[] => {
  const entries = text
    .split('\n')
    .flatMap((line) => line.replace(/#.*$/, '').split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) {
    ctx.addIssue({ code: 'custom', message: `must hold at least one key: ${expected}` });
    return z.NEVER;
  }
  const keys: EncryptionKey[] = [];
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, Math.max(separator, 0));
    const encoded = entry.slice(separator + 1);
    const position = `entry ${index + 1}`;
    if (separator < 1 || !keyIdPattern.test(id)) {
      ctx.addIssue({ code: 'custom', message: `must be ${expected}; ${position} has no id (letters, digits, . _ -, at most 64) before its colon` });
      return;
    }
    const key = Buffer.from(encoded, 'base64');
    if (!base64Pattern.test(encoded) || key.length !== KEY_BYTES) {
      ctx.addIssue({ code: 'custom', message: `must be ${expected}; ${position} (id ${id}) is not 32 bytes of base64` });
      return;
    }
    if (keys.some((known) => known.id === id)) {
      ctx.addIssue({ code: 'custom', message: `must name each key once; id ${id} appears twice` });
      return;
    }
    keys.push({ id, key });
  });
  return keys;
});

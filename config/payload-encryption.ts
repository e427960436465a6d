import { readFileSync } from 'node:fs';
import type { EncryptionKey } from './encryption-keys.js';
import { encryptionKeyList } from './encryption-keys.js';
import { ConfigError } from './load.js';
import type { Config } from './schema.js';

/**
 * The payload encryption keys, newest first, from PAYLOAD_ENCRYPTION_KEYS or the file named by
 * PAYLOAD_ENCRYPTION_KEY_FILE. Required by every process that talks to Temporal: without keys it
 * would write customer data into history in plaintext, so there is no unencrypted fallback.
 */
export function payloadEncryptionKeys(config: Config): EncryptionKey[] {
  if (config.PAYLOAD_ENCRYPTION_KEYS) return config.PAYLOAD_ENCRYPTION_KEYS;
  const path = config.PAYLOAD_ENCRYPTION_KEY_FILE;
  if (!path) {
    throw new ConfigError([
      'PAYLOAD_ENCRYPTION_KEYS must be set (id:base64key, newest first; openssl rand -base64 32 makes a key), or PAYLOAD_ENCRYPTION_KEY_FILE to a file of them: workflow data in Temporal is encrypted. `npm run dev` creates .data/payload-encryption-keys for development',
    ]);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`PAYLOAD_ENCRYPTION_KEY_FILE names a file that cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  const parsed = encryptionKeyList.safeParse(text);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => `PAYLOAD_ENCRYPTION_KEY_FILE ${issue.message}`));
  return parsed.data;
}

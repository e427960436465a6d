import { createHash, randomBytes } from 'node:crypto';

export const roles = ['system', 'collector', 'admin'] as const;
export type Role = (typeof roles)[number];

/** A new key: shown once to whoever creates it, stored only as its hash. */
export function generateApiKey(): string {
  return `co_${randomBytes(32).toString('base64url')}`;
}

/** sha256, hex. Keys are 256 random bits, so a fast hash is safe here (no password stretching needed). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

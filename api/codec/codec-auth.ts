import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyLookup } from '../auth/api-key-lookup.js';
import { hashApiKey } from '../auth/api-keys.js';

export type CodecCaller = { ok: true; who: string } | { ok: false; status: 401 | 403; detail: string };

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time comparison of a presented token with the configured one (hashed first, so lengths may differ). */
export function isCodecToken(presented: string, token: string | undefined): boolean {
  return token !== undefined && timingSafeEqual(digest(presented), digest(token));
}

/**
 * Who may use the codec server: the dedicated CODEC_SERVER_TOKEN, or an admin API key. Decoding
 * shows customer data, so the case roles (system, collector) are refused.
 */
export async function codecCaller(presented: string | undefined, token: string | undefined, apiKeys: ApiKeyLookup): Promise<CodecCaller> {
  if (!presented) return { ok: false, status: 401, detail: 'Send "Authorization: Bearer <CODEC_SERVER_TOKEN or an admin API key>".' };
  if (isCodecToken(presented, token)) return { ok: true, who: 'codec-token' };
  const key = await apiKeys.find(hashApiKey(presented));
  if (!key) return { ok: false, status: 401, detail: 'The token is neither the codec server token nor a valid API key.' };
  if (key.role !== 'admin') return { ok: false, status: 403, detail: `The key "${key.name}" has role ${key.role}; the codec server needs an admin key or the codec server token.` };
  return { ok: true, who: key.name };
}

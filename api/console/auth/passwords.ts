// Password hashing with scrypt from node:crypto. Why not argon2: it would need a native module
// (or a WASM build) in every image; Node's own scrypt is memory-hard too and needs nothing.
// Parameters (OWASP's scrypt minimum is N=2^17, r=8, p=1): N=2^15, r=8, p=1 costs 32 MiB and
// about 50–100 ms per hash here; they are stored in each hash, so raising them later only
// affects new hashes. Salt: 16 random bytes per password. Key: 64 bytes.
import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';

const defaults = { N: 2 ** 15, r: 8, p: 1 } as const;
const keyLength = 64;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem: 128·N·r bytes plus headroom (Node's default limit, 32 MiB, is just too small).
    scrypt(password.normalize('NFC'), salt, keyLength, { ...options, maxmem: 256 * (options.N ?? defaults.N) * (options.r ?? defaults.r) }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `scrypt$N$r$p$<salt base64>$<key base64>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, defaults);
  return ['scrypt', defaults.N, defaults.r, defaults.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Compared against when the email is unknown, so an unknown user costs as long as a wrong password. */
export const decoyHash = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$' + Buffer.alloc(keyLength).toString('base64');

/** For `npm run users -- create` without a password: 18 random bytes, 24 characters. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export const minimumPasswordLength = 12;

import { Prisma, type PrismaClient } from '../../prisma/client.js';
import { rawRows } from '../../prisma/raw-rows.js';
import type { Role } from './api-keys.js';

export interface ApiKeyHolder {
  readonly name: string;
  readonly role: Role;
}

export interface ApiKeyLookup {
  /** The holder of the key with this hash (hashApiKey), or null when it is unknown or revoked. */
  find(keyHash: string): Promise<ApiKeyHolder | null>;
}

/** Reads the database on every lookup. */
export function directApiKeyLookup(prisma: PrismaClient): ApiKeyLookup {
  return {
    async find(keyHash) {
      // Raw SQL on the pool: every uncached request runs this, and Prisma's model query costs several times its CPU (README "Benchmarks").
      const [found] = await rawRows<{ name: string; role: Role; revokedAt: Date | null }>(
        prisma,
        Prisma.sql`SELECT name, role::text AS role, revoked_at AS "revokedAt" FROM api_keys WHERE key_hash = ${keyHash}`,
        { preparedAs: 'api-key' },
      );
      return found && !found.revokedAt ? { name: found.name, role: found.role } : null;
    },
  };
}

import { createMiddleware } from 'hono/factory';
import type { PrismaClient } from '../../prisma/client.js';
import { hashApiKey, type Role } from '../auth/api-keys.js';
import { problem } from '../problem.js';

export interface Principal {
  readonly name: string;
  readonly role: Role;
}

export type AuthEnv = { Variables: { principal: Principal; requestId: string } };

function presentedKey(authorization: string | undefined, apiKeyHeader: string | undefined): string | undefined {
  if (apiKeyHeader) return apiKeyHeader.trim();
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
}

/** 401 unless the request carries a valid, unrevoked API key (`Authorization: Bearer …` or `X-API-Key`). */
export function authenticate(prisma: PrismaClient) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const key = presentedKey(c.req.header('authorization'), c.req.header('x-api-key'));
    if (!key) {
      c.header('www-authenticate', 'Bearer');
      return problem(c, 401, { title: 'Unauthorized', detail: 'Send an API key as "Authorization: Bearer <key>" or "X-API-Key: <key>".' });
    }
    // Raw SQL: every request runs this, and Prisma's model query costs several times its CPU (README "Benchmarks").
    const [found] = await prisma.$queryRaw<{ name: string; role: Role; revokedAt: Date | null }[]>`SELECT name, role::text AS role, revoked_at AS "revokedAt" FROM api_keys WHERE key_hash = ${hashApiKey(key)}`;
    if (!found || found.revokedAt) {
      c.header('www-authenticate', 'Bearer error="invalid_token"');
      return problem(c, 401, { title: 'Unauthorized', detail: 'The API key is unknown or revoked.' });
    }
    c.set('principal', { name: found.name, role: found.role });
    await next();
  });
}

/** 403 unless the caller's role is one of `allowed`; admin may do everything. */
export function requireRole(...allowed: Role[]) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const { role, name } = c.get('principal');
    if (role !== 'admin' && !allowed.includes(role)) {
      return problem(c, 403, { title: 'Forbidden', detail: `The key "${name}" has role ${role}; this needs ${[...allowed, 'admin'].join(' or ')}.` });
    }
    await next();
  });
}

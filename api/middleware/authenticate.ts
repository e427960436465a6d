import { createMiddleware } from 'hono/factory';
import type { ApiKeyLookup } from '../auth/api-key-lookup.js';
import { hashApiKey, type Role } from '../auth/api-keys.js';
import { problem } from '../problem.js';

export interface Principal {
  readonly name: string;
  readonly role: Role;
}

export type AuthEnv = { Variables: { principal: Principal; requestId: string } };

/** What routes behind `authenticate` need: how keys are looked up (cached in the API process, README "API keys"). */
export interface AuthDependencies {
  readonly apiKeys: ApiKeyLookup;
}

function presentedKey(authorization: string | undefined, apiKeyHeader: string | undefined): string | undefined {
  if (apiKeyHeader) return apiKeyHeader.trim();
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
}

/** 401 unless the request carries a valid, unrevoked API key (`Authorization: Bearer …` or `X-API-Key`). */
export function authenticate(apiKeys: ApiKeyLookup) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const key = presentedKey(c.req.header('authorization'), c.req.header('x-api-key'));
    if (!key) {
      c.header('www-authenticate', 'Bearer');
      return problem(c, 401, { title: 'Unauthorized', detail: 'Send an API key as "Authorization: Bearer <key>" or "X-API-Key: <key>".' });
    }
    const found = await apiKeys.find(hashApiKey(key));
    if (!found) {
      c.header('www-authenticate', 'Bearer error="invalid_token"');
      return problem(c, 401, { title: 'Unauthorized', detail: 'The API key is unknown or revoked.' });
    }
    c.set('principal', found);
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

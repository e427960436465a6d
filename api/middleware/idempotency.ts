import { createHash } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import { Prisma, type PrismaClient } from '../../prisma/client.js';
import { rawRows } from '../../prisma/raw-rows.js';
import { problem } from '../problem.js';
import type { AuthEnv } from './authenticate.js';

const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;
const KEEP_FOR_MS = 24 * 60 * 60 * 1000;

/**
 * `Idempotency-Key` on POST: the first request with a key runs and its answer is stored; the same
 * key with the same body gets the stored answer again (`Idempotent-Replayed: true`); the same key
 * with another body is a 422; a request still running under the key is a 409. Keys are scoped
 * to the API key that sent them and kept for 24 hours. Server errors are not stored, so a retry
 * after a 5xx runs again.
 */
export function idempotency(prisma: PrismaClient) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || key === undefined) return next();
    if (!KEY_PATTERN.test(key)) {
      return problem(c, 400, { title: 'Invalid Idempotency-Key', detail: 'Idempotency-Key must be 1 to 255 visible ASCII characters.', errors: [{ field: 'Idempotency-Key', rule: 'format', message: 'must be 1 to 255 visible ASCII characters' }] });
    }
    const scope = c.get('principal').name;
    const requestHash = createHash('sha256').update(`${c.req.method} ${c.req.path}\n`).update(await c.req.text()).digest('hex');
    const where = { scope_key: { scope, key } };
    const now = new Date();

    // One round trip claims the key: a new key is inserted, an expired one taken over; an unexpired one is left as it is.
    const expiresAt = new Date(now.getTime() + KEEP_FOR_MS);
    const claimed = await rawRows(prisma, Prisma.sql`
      INSERT INTO idempotency_records (scope, key, request_hash, expires_at) VALUES (${scope}, ${key}, ${requestHash}, ${expiresAt})
      ON CONFLICT (scope, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, expires_at = EXCLUDED.expires_at, response_status = NULL, response_body = NULL, created_at = now()
      WHERE idempotency_records.expires_at < ${now}
      RETURNING 1`, { preparedAs: 'idempotency-claim' });
    const count = claimed.length;
    if (count === 0) {
      const earlier = await prisma.idempotencyRecord.findUnique({ where });
      if (earlier && earlier.requestHash !== requestHash) {
        return problem(c, 422, { title: 'Idempotency-Key reused', detail: 'This Idempotency-Key was used with a different request; use a new key for a new request.', errors: [{ field: 'Idempotency-Key', rule: 'reused', message: 'was used with a different body' }] });
      }
      if (earlier?.responseStatus == null) {
        return problem(c, 409, { title: 'Request in progress', detail: 'A request with this Idempotency-Key is still running; retry shortly.' });
      }
      c.header('idempotent-replayed', 'true');
      return c.body(JSON.stringify(earlier.responseBody), earlier.responseStatus as 200, {
        'content-type': earlier.responseStatus >= 400 ? 'application/problem+json' : 'application/json',
      });
    }

    await next();
    if (c.res.status >= 500) {
      await prisma.idempotencyRecord.delete({ where });
      return;
    }
    // Read and put back rather than clone(): a clone makes @hono/node-server stream both copies
    // through web streams (measured: about 0.1 ms more a request than this).
    const { status, headers } = c.res;
    const text = await c.res.text();
    c.res = undefined; // else Hono's setter would copy the read response's (used) body into the new one
    c.res = new Response(text, { status, headers });
    const json = isJson(text) ? text : '{}';
    // Raw, like the claim: every keyed request stores its answer, and the model update costs several times the CPU.
    await rawRows(prisma, Prisma.sql`UPDATE idempotency_records SET response_status = ${status}, response_body = ${json}::jsonb WHERE scope = ${scope} AND key = ${key}`, { preparedAs: 'idempotency-answer' });
  });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { Prisma, type PrismaClient } from '../../prisma/client.js';
import { rawRows } from '../../prisma/raw-rows.js';
import { type KeyClaim, keyClaimCtes, type RouteKeyClaim } from '../idempotency/key-claim.js';
import { problem } from '../problem.js';
import type { AuthEnv } from './authenticate.js';

const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;
const KEEP_FOR_MS = 24 * 60 * 60 * 1000;

export type IdempotencyEnv = { Variables: AuthEnv['Variables'] & { keyClaim?: RouteKeyClaim } };

export interface IdempotencyOptions {
  /**
   * Requests whose route claims the key itself, in the statement that does its work (one round
   * trip fewer): the route reads `c.get('keyClaim')`, sets `claimed` when its statement claimed
   * it, and answers `answerTakenKey` when it did not.
   */
  readonly claimedByRoute?: (c: Context) => boolean;
}

/**
 * `Idempotency-Key` on POST: the first request with a key runs and its answer is stored; the same
 * key with the same body gets the stored answer again (`Idempotent-Replayed: true`); the same key
 * with another body is a 422; a request still running under the key is a 409. Keys are scoped
 * to the API key that sent them and kept for 24 hours. Server errors are not stored, so a retry
 * after a 5xx runs again. Where the route claims the key (`claimedByRoute`), an answer given
 * before its statement ran (an invalid body) is not stored either: it depends on the request alone;
 * and an answer the route stored with its claim as provisional is not written again.
 */
export function idempotency(prisma: PrismaClient, { claimedByRoute = () => false }: IdempotencyOptions = {}) {
  return createMiddleware<IdempotencyEnv>(async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || key === undefined) return next();
    if (!KEY_PATTERN.test(key)) {
      return problem(c, 400, { title: 'Invalid Idempotency-Key', detail: 'Idempotency-Key must be 1 to 255 visible ASCII characters.', errors: [{ field: 'Idempotency-Key', rule: 'format', message: 'must be 1 to 255 visible ASCII characters' }] });
    }
    const requestHash = createHash('sha256').update(`${c.req.method} ${c.req.path}\n`).update(await c.req.text()).digest('hex');
    const now = new Date();
    const claim: KeyClaim = { scope: c.get('principal').name, key, requestHash, expiresAt: new Date(now.getTime() + KEEP_FOR_MS), now };

    let answer: RouteKeyClaim['answer'];
    let provisional: RouteKeyClaim['provisionalAnswer'];
    if (claimedByRoute(c)) {
      const routeClaim: RouteKeyClaim = { ...claim, claimed: false };
      c.set('keyClaim', routeClaim);
      await next();
      if (!routeClaim.claimed) return;
      ({ answer, provisionalAnswer: provisional } = routeClaim);
    } else {
      const [claimed] = await rawRows<{ claimed: boolean }>(prisma, Prisma.sql`WITH ${keyClaimCtes(claim)} SELECT claimed FROM key_claimed`, { preparedAs: 'idempotency-claim' });
      if (!claimed?.claimed) return answerTakenKey(c, prisma, claim);
      await next();
    }

    const where = { scope_key: { scope: claim.scope, key } };
    if (c.res.status >= 500) {
      await prisma.idempotencyRecord.delete({ where });
      return;
    }
    const { status, json } = c.res.status === answer?.status ? answer : await readBack(c);
    // Stored with the claim already: a replay confirms it (answerTakenKey).
    if (status === provisional?.status && json === provisional.json) return;
    // Raw, like the claim: every keyed request stores its answer, and the model update costs several times the CPU.
    await rawRows(prisma, Prisma.sql`UPDATE idempotency_records SET response_status = ${status}, response_body = ${json}::jsonb, provisional = false WHERE scope = ${claim.scope} AND key = ${key}`, { preparedAs: 'idempotency-answer' });
  });
}

/**
 * The answer to a request whose key another request holds: its stored answer, 409 while it runs,
 * 422 for another body. A provisional answer (stored before the work it answers was done) is
 * given only once `confirm` has made sure of that work; else it is a 409 as well.
 */
export async function answerTakenKey(c: Context, prisma: PrismaClient, claim: KeyClaim, confirm?: (provisional: unknown) => Promise<boolean>): Promise<Response> {
  const earlier = await prisma.idempotencyRecord.findUnique({ where: { scope_key: { scope: claim.scope, key: claim.key } } });
  if (earlier && earlier.requestHash !== claim.requestHash) {
    return problem(c, 422, { title: 'Idempotency-Key reused', detail: 'This Idempotency-Key was used with a different request; use a new key for a new request.', errors: [{ field: 'Idempotency-Key', rule: 'reused', message: 'was used with a different body' }] });
  }
  // A provisional answer is confirmed only when there is one: a key with none yet costs no confirm.
  if (earlier?.responseStatus == null || (earlier.provisional && !(await confirm?.(earlier.responseBody)))) {
    return problem(c, 409, { title: 'Request in progress', detail: 'A request with this Idempotency-Key is still running; retry shortly.' });
  }
  c.header('idempotent-replayed', 'true');
  return c.body(JSON.stringify(earlier.responseBody), earlier.responseStatus as 200, {
    'content-type': earlier.responseStatus >= 400 ? 'application/problem+json' : 'application/json',
  });
}

/**
 * The response's status and body (JSON text, else `{}`), its body put back for the client. Read
 * and put back rather than clone(): a clone makes @hono/node-server stream both copies through
 * web streams (measured: about 0.1 ms more a request than this).
 */
async function readBack(c: Context): Promise<{ status: number; json: string }> {
  const { status, headers } = c.res;
  const text = await c.res.text();
  c.res = undefined; // else Hono's setter would copy the read response's (used) body into the new one
  c.res = new Response(text, { status, headers });
  return { status, json: isJson(text) ? text : '{}' };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

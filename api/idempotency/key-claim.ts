import { Prisma } from '../../prisma/client.js';

/** An Idempotency-Key as a request claims it. */
export interface KeyClaim {
  /** The API key's name: keys of different callers never meet. */
  readonly scope: string;
  readonly key: string;
  /** sha256 of method, path and body. */
  readonly requestHash: string;
  readonly expiresAt: Date;
  readonly now: Date;
}

/** An answer as stored: its HTTP status and its body as JSON text. */
export interface StoredAnswer {
  readonly status: number;
  readonly json: string;
}

/** A key left to the route to claim in its own statement; the route sets `claimed` once it has. */
export interface RouteKeyClaim extends KeyClaim {
  claimed: boolean;
  /**
   * The answer the route expects to give, stored with the claim as provisional: when the route
   * then gives exactly this answer, nothing more is written, and a replay confirms the route's
   * work before answering it (`answerTakenKey`'s `confirm`).
   */
  provisionalAnswer?: StoredAnswer;
  /** The route's answer as it sends it (JSON text), so the middleware stores it without reading the response back. */
  answer?: StoredAnswer;
}

/**
 * The claim of a key as two CTEs for a statement's WITH: `key_claim` inserts a new key or takes
 * over an expired one (an unexpired one is left as it is), with the provisional answer if there
 * is one, and `key_claimed` is one row whose `claimed` is true when this request holds the key
 * now, or when there is no key to claim. A statement that does the work the key guards gates its
 * writes on `key_claimed.claimed`, so the claim and the work are one round trip and one
 * transaction (README "Idempotency-Key").
 */
export function keyClaimCtes(claim: (KeyClaim & Pick<RouteKeyClaim, 'provisionalAnswer'>) | undefined): Prisma.Sql {
  const key = claim?.key ?? null;
  const provisional = claim?.provisionalAnswer;
  return Prisma.sql`key_claim AS (
      INSERT INTO idempotency_records (scope, key, request_hash, expires_at, response_status, response_body, provisional)
      SELECT ${claim?.scope ?? null}::text, ${key}::text, ${claim?.requestHash ?? null}::text, ${claim?.expiresAt ?? null}::timestamptz,
             ${provisional?.status ?? null}::int, ${provisional?.json ?? null}::jsonb, ${provisional !== undefined}::boolean
      WHERE ${key}::text IS NOT NULL
      ON CONFLICT (scope, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, expires_at = EXCLUDED.expires_at,
        response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body, provisional = EXCLUDED.provisional, created_at = now()
      WHERE idempotency_records.expires_at < ${claim?.now ?? null}::timestamptz
      RETURNING 1
    ), key_claimed AS (
      SELECT ${key}::text IS NULL OR EXISTS (SELECT 1 FROM key_claim) AS claimed
    )`;
}

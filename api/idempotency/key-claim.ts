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

/** A key left to the route to claim in its own statement; the route sets `claimed` once it has. */
export interface RouteKeyClaim extends KeyClaim {
  claimed: boolean;
  /** The route's answer as it sends it (JSON text), so the middleware stores it without reading the response back. */
  answer?: { readonly status: number; readonly json: string };
}

/**
 * The claim of a key as two CTEs for a statement's WITH: `key_claim` inserts a new key or takes
 * over an expired one (an unexpired one is left as it is), and `key_claimed` is one row whose
 * `claimed` is true when this request holds the key now, or when there is no key to claim. A
 * statement that does the work the key guards gates its writes on `key_claimed.claimed`, so the
 * claim and the work are one round trip and one transaction (README "Idempotency-Key").
 */
export function keyClaimCtes(claim: KeyClaim | undefined): Prisma.Sql {
  const key = claim?.key ?? null;
  return Prisma.sql`key_claim AS (
      INSERT INTO idempotency_records (scope, key, request_hash, expires_at)
      SELECT ${claim?.scope ?? null}::text, ${key}::text, ${claim?.requestHash ?? null}::text, ${claim?.expiresAt ?? null}::timestamptz
      WHERE ${key}::text IS NOT NULL
      ON CONFLICT (scope, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, expires_at = EXCLUDED.expires_at, response_status = NULL, response_body = NULL, created_at = now()
      WHERE idempotency_records.expires_at < ${claim?.now ?? null}::timestamptz
      RETURNING 1
    ), key_claimed AS (
      SELECT ${key}::text IS NULL OR EXISTS (SELECT 1 FROM key_claim) AS claimed
    )`;
}

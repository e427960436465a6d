-- A create's answer is stored with its key's claim, in the statement that inserts the invoice,
-- before the workflow starts: "provisional" until a replay has made sure the case runs (README
-- "Idempotency-Key"). No statement after the start is needed for it.
ALTER TABLE "idempotency_records" ADD COLUMN "provisional" BOOLEAN NOT NULL DEFAULT false;

-- The natural key (scope, key) becomes the primary key and the surrogate id goes: every keyed
-- request inserts a record and updates it with its answer, and each index is maintained on both.
ALTER TABLE "idempotency_records" DROP CONSTRAINT "idempotency_records_pkey";
ALTER TABLE "idempotency_records" DROP COLUMN "id";
ALTER TABLE "idempotency_records" ADD CONSTRAINT "idempotency_records_pkey" PRIMARY KEY USING INDEX "idempotency_records_scope_key_key";

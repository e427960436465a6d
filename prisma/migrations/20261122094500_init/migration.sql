-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "invoice_status" AS ENUM ('open', 'paid', 'disputed', 'in_payment_plan', 'cancelled', 'written_off', 'legal');

-- CreateEnum
CREATE TYPE "event_category" AS ENUM ('action', 'signal', 'system');

-- CreateEnum
CREATE TYPE "collection_action" AS ENUM ('email', 'sms', 'letter', 'call_task', 'late_fee', 'legal_handoff');

-- CreateEnum
CREATE TYPE "dispute_resolution" AS ENUM ('resumed', 'credited', 'cancelled');

-- CreateEnum
CREATE TYPE "payment_plan_status" AS ENUM ('active', 'completed', 'defaulted', 'cancelled');

-- CreateEnum
CREATE TYPE "installment_status" AS ENUM ('pending', 'paid', 'missed');

-- CreateEnum
CREATE TYPE "fee_entry_kind" AS ENUM ('late_fee', 'waiver');

-- CreateEnum
CREATE TYPE "outbox_status" AS ENUM ('pending', 'sent', 'failed');

-- CreateEnum
CREATE TYPE "api_key_role" AS ENUM ('system', 'collector', 'admin');

-- CreateTable
CREATE TABLE "customers" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "source" VARCHAR(64) NOT NULL,
    "external_id" VARCHAR(128) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "billing_email" VARCHAR(320),
    "phone" VARCHAR(16),
    "address_line1" VARCHAR(255),
    "address_line2" VARCHAR(255),
    "city" VARCHAR(128),
    "region" VARCHAR(128),
    "postal_code" VARCHAR(32),
    "country" CHAR(2),
    "timezone" VARCHAR(64) NOT NULL,
    "locale" VARCHAR(35) NOT NULL,
    "tier" VARCHAR(32),
    "policy_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invoices" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "source" VARCHAR(64) NOT NULL,
    "external_id" VARCHAR(128) NOT NULL,
    "number" VARCHAR(64) NOT NULL,
    "customer_id" UUID NOT NULL,
    "issue_date" DATE NOT NULL,
    "due_date" DATE NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "balance_minor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" "invoice_status" NOT NULL DEFAULT 'open',
    "payment_link" VARCHAR(2048),
    "policy_id" UUID,
    "workflow_id" VARCHAR(255),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invoices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "collection_policies" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" VARCHAR(128) NOT NULL,
    "version" INTEGER NOT NULL,
    "steps" JSONB NOT NULL,
    "grace_days" INTEGER NOT NULL DEFAULT 0,
    "sending_windows" JSONB NOT NULL,
    "fee_rules" JSONB NOT NULL,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "collection_policies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "collection_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "invoice_id" UUID NOT NULL,
    "category" "event_category" NOT NULL,
    "kind" VARCHAR(64) NOT NULL,
    "action" "collection_action",
    "provider" VARCHAR(32),
    "provider_message_id" VARCHAR(255),
    "idempotency_key" VARCHAR(255),
    "actor" VARCHAR(255) NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "collection_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "invoice_id" UUID NOT NULL,
    "external_payment_id" VARCHAR(255) NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "method" VARCHAR(64) NOT NULL,
    "actor" VARCHAR(255) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "disputes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "invoice_id" UUID NOT NULL,
    "reason" VARCHAR(2000) NOT NULL,
    "opened_by" VARCHAR(255) NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "resolution" "dispute_resolution",
    "credit_amount_minor" BIGINT,
    "resolved_by" VARCHAR(255),
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "disputes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_plans" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "invoice_id" UUID NOT NULL,
    "status" "payment_plan_status" NOT NULL DEFAULT 'active',
    "total_minor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "agreed_by" VARCHAR(255) NOT NULL,
    "agreed_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "payment_plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_plan_installments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "plan_id" UUID NOT NULL,
    "sequence" INTEGER NOT NULL,
    "due_date" DATE NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "paid_amount_minor" BIGINT NOT NULL DEFAULT 0,
    "status" "installment_status" NOT NULL DEFAULT 'pending',

    CONSTRAINT "payment_plan_installments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fee_ledger_entries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "invoice_id" UUID NOT NULL,
    "idempotency_key" VARCHAR(255) NOT NULL,
    "kind" "fee_entry_kind" NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "rule" JSONB NOT NULL DEFAULT '{}',
    "balance_after_minor" BIGINT NOT NULL,
    "actor" VARCHAR(255) NOT NULL,
    "posted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fee_ledger_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "legal_handoffs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "invoice_id" UUID NOT NULL,
    "partner" VARCHAR(255) NOT NULL,
    "packet" JSONB NOT NULL,
    "idempotency_key" VARCHAR(255) NOT NULL,
    "status" "outbox_status" NOT NULL DEFAULT 'pending',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "legal_handoffs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_messages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "idempotency_key" VARCHAR(255) NOT NULL,
    "invoice_id" UUID NOT NULL,
    "action" "collection_action" NOT NULL,
    "provider" VARCHAR(32) NOT NULL,
    "recipient" VARCHAR(512) NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "outbox_status" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "provider_message_id" VARCHAR(255),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_records" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "scope" VARCHAR(128) NOT NULL,
    "key" VARCHAR(255) NOT NULL,
    "request_hash" CHAR(64) NOT NULL,
    "response_status" INTEGER,
    "response_body" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" VARCHAR(128) NOT NULL,
    "key_hash" CHAR(64) NOT NULL,
    "role" "api_key_role" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "customers_source_external_id_key" ON "customers"("source", "external_id");

-- CreateIndex
CREATE UNIQUE INDEX "invoices_workflow_id_key" ON "invoices"("workflow_id");

-- CreateIndex
CREATE INDEX "invoices_customer_id_idx" ON "invoices"("customer_id");

-- CreateIndex
CREATE INDEX "invoices_status_due_date_idx" ON "invoices"("status", "due_date");

-- CreateIndex
CREATE UNIQUE INDEX "invoices_source_external_id_key" ON "invoices"("source", "external_id");

-- CreateIndex
CREATE UNIQUE INDEX "collection_policies_name_version_key" ON "collection_policies"("name", "version");

-- CreateIndex
CREATE UNIQUE INDEX "collection_events_idempotency_key_key" ON "collection_events"("idempotency_key");

-- CreateIndex
CREATE INDEX "collection_events_invoice_id_occurred_at_idx" ON "collection_events"("invoice_id", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "payments_external_payment_id_key" ON "payments"("external_payment_id");

-- CreateIndex
CREATE INDEX "payments_invoice_id_idx" ON "payments"("invoice_id");

-- CreateIndex
CREATE INDEX "disputes_invoice_id_idx" ON "disputes"("invoice_id");

-- CreateIndex
CREATE INDEX "payment_plans_invoice_id_idx" ON "payment_plans"("invoice_id");

-- CreateIndex
CREATE UNIQUE INDEX "payment_plan_installments_plan_id_sequence_key" ON "payment_plan_installments"("plan_id", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "fee_ledger_entries_idempotency_key_key" ON "fee_ledger_entries"("idempotency_key");

-- CreateIndex
CREATE INDEX "fee_ledger_entries_invoice_id_idx" ON "fee_ledger_entries"("invoice_id");

-- CreateIndex
CREATE UNIQUE INDEX "legal_handoffs_invoice_id_key" ON "legal_handoffs"("invoice_id");

-- CreateIndex
CREATE UNIQUE INDEX "legal_handoffs_idempotency_key_key" ON "legal_handoffs"("idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_messages_idempotency_key_key" ON "outbox_messages"("idempotency_key");

-- CreateIndex
CREATE INDEX "outbox_messages_invoice_id_idx" ON "outbox_messages"("invoice_id");

-- CreateIndex
CREATE UNIQUE INDEX "idempotency_records_scope_key_key" ON "idempotency_records"("scope", "key");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_name_key" ON "api_keys"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- AddForeignKey
ALTER TABLE "customers" ADD CONSTRAINT "customers_policy_id_fkey" FOREIGN KEY ("policy_id") REFERENCES "collection_policies"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_policy_id_fkey" FOREIGN KEY ("policy_id") REFERENCES "collection_policies"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "collection_events" ADD CONSTRAINT "collection_events_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payments" ADD CONSTRAINT "payments_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_plans" ADD CONSTRAINT "payment_plans_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_plan_installments" ADD CONSTRAINT "payment_plan_installments_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "payment_plans"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fee_ledger_entries" ADD CONSTRAINT "fee_ledger_entries_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "legal_handoffs" ADD CONSTRAINT "legal_handoffs_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "outbox_messages" ADD CONSTRAINT "outbox_messages_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


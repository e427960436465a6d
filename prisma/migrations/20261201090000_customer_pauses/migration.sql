-- CreateTable
CREATE TABLE "customer_pauses" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "customer_id" UUID NOT NULL,
    "reason" VARCHAR(2000) NOT NULL,
    "paused_by" VARCHAR(255) NOT NULL,
    "paused_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "until" TIMESTAMPTZ(3),
    "resumed_by" VARCHAR(255),
    "resumed_at" TIMESTAMPTZ(3),

    CONSTRAINT "customer_pauses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "customer_pause_cases" (
    "pause_id" UUID NOT NULL,
    "invoice_id" UUID NOT NULL,
    "paused_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "released_at" TIMESTAMPTZ(3),

    CONSTRAINT "customer_pause_cases_pkey" PRIMARY KEY ("pause_id","invoice_id")
);

-- CreateIndex
CREATE INDEX "customer_pauses_customer_id_resumed_at_idx" ON "customer_pauses"("customer_id", "resumed_at");

-- CreateIndex
CREATE INDEX "customer_pause_cases_invoice_id_idx" ON "customer_pause_cases"("invoice_id");

-- AddForeignKey
ALTER TABLE "customer_pauses" ADD CONSTRAINT "customer_pauses_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer_pause_cases" ADD CONSTRAINT "customer_pause_cases_pause_id_fkey" FOREIGN KEY ("pause_id") REFERENCES "customer_pauses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "customer_pause_cases" ADD CONSTRAINT "customer_pause_cases_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

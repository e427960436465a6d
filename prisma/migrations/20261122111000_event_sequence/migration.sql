-- AlterTable
ALTER TABLE "collection_events" ADD COLUMN     "sequence" INTEGER;

-- CreateIndex
CREATE INDEX "collection_events_invoice_id_sequence_idx" ON "collection_events"("invoice_id", "sequence");


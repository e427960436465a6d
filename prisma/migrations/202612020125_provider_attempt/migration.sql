-- The attempt in flight where the provider can revoke one (SendGrid: batch id and send_at),
-- recorded before the send so that a retry after a crash can cancel it.
ALTER TABLE "outbox_messages" ADD COLUMN "provider_attempt" JSONB;
ALTER TABLE "legal_handoffs" ADD COLUMN "provider_attempt" JSONB;

import { Counter, Histogram, Registry } from 'prom-client';

/** What a delivery attempt came to; `provider_error` attempts are retried by Temporal. */
export type MessageOutcome = 'sent' | 'already_sent' | 'undeliverable' | 'provider_error' | 'outside_window';

/** How a retried delivery found that the message had already gone: its outbox row, or the provider's own records. */
export type DuplicateDetection = 'outbox' | 'provider_lookup';

/**
 * The business metrics activities count, in the worker process (served at the worker's /metrics,
 * README "Metrics"). Counted after the database write they describe has committed, so a retried
 * activity counts what it did, not what it tried.
 */
export interface ActivityMetrics {
  readonly messages: Counter<'channel' | 'outcome'>;
  readonly duplicateSendsPrevented: Counter<'channel' | 'detected_by'>;
  readonly invoicesPerMessage: Histogram<'channel'>;
  readonly lateFeesPosted: Counter<'currency'>;
  readonly lateFeesPostedMinor: Counter<'currency'>;
  readonly paymentsApplied: Counter<'currency'>;
  readonly paymentsAppliedMinor: Counter<'currency'>;
}

/** Registers the activity metrics in `registry` (a registry of their own when none is given: counted, not served). */
export function createActivityMetrics(registry: Registry = new Registry()): ActivityMetrics {
  const registers = [registry];
  return {
    messages: new Counter({ name: 'collections_messages_total', help: 'Delivery attempts by channel and outcome (sent, already_sent, undeliverable, provider_error, outside_window).', labelNames: ['channel', 'outcome'], registers }),
    duplicateSendsPrevented: new Counter({ name: 'collections_duplicate_sends_prevented_total', help: 'Retried deliveries that found the message already sent and did not send it again.', labelNames: ['channel', 'detected_by'], registers }),
    invoicesPerMessage: new Histogram({ name: 'collections_invoices_per_message', help: 'Invoices each sent message concerns; sum / count is the consolidation ratio.', labelNames: ['channel'], buckets: [1, 2, 3, 5, 10, 20, 50], registers }),
    lateFeesPosted: new Counter({ name: 'collections_late_fees_posted_total', help: 'Late fees posted to the ledger.', labelNames: ['currency'], registers }),
    lateFeesPostedMinor: new Counter({ name: 'collections_late_fees_posted_minor_total', help: 'Amount of the late fees posted, in minor units of the currency.', labelNames: ['currency'], registers }),
    paymentsApplied: new Counter({ name: 'collections_payments_applied_total', help: 'Payments recorded against invoices (each payment once, whatever the retries).', labelNames: ['currency'], registers }),
    paymentsAppliedMinor: new Counter({ name: 'collections_payments_applied_minor_total', help: 'Amount of the payments recorded, in minor units of the currency.', labelNames: ['currency'], registers }),
  };
}

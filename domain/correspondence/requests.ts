import type { Channel } from '../channels.js';
import type { SendingWindow } from '../policy.js';

/**
 * What an invoice case asks of its customer's correspondence: deliver one action (an email, SMS,
 * letter or call task about this invoice). The correspondence decides when, merged with what, and
 * answers with an outcome. Plain data: it travels in signals and across continue-as-new.
 */

/** One invoice as a message lists it. */
export interface InvoiceLine {
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly currency: string;
  readonly amountMinor: number;
  /** Open amount, fees included. */
  readonly balanceMinor: number;
  readonly feesMinor: number;
  /** YYYY-MM-DD. */
  readonly dueDate: string;
  readonly paymentLink?: string;
}

export interface ContactCaps {
  readonly perWeek: number;
  readonly perWeekPerChannel: number;
  readonly minimumGapMillis: number;
}

export interface DeliveryRequest {
  /** The case's idempotency key of this action on this channel: unique, and the same on every retry. */
  readonly requestId: string;
  readonly caseWorkflowId: string;
  readonly channel: Channel;
  readonly template: string;
  /** How far up its ladder the case is (its step index): a merged message takes the tone of the highest. */
  readonly escalation: number;
  /** `transactional` (a payment receipt) goes at once: no window, no caps, no waiting to merge. */
  readonly kind: 'collection' | 'transactional';
  readonly line: InvoiceLine;
  /** When the case asked (workflow time of the case). */
  readonly requestedAt: number;
  /** The case policy's settings for this message. */
  readonly consolidationMillis: number;
  readonly window?: SendingWindow;
  readonly timezone: string;
  readonly holidays: readonly string[];
  readonly caps?: ContactCaps;
  /** Installment reminders carry the installment they are about. */
  readonly installment?: { readonly sequence: number; readonly dueDate: string; readonly amountMinor: number };
  /** The case's `step_sent` audit row, in the place of its audit order the case reserved: the delivery that sends the message writes it. */
  readonly sentEvent?: { readonly idempotencyKey: string; readonly sequence: number; readonly details: Readonly<Record<string, string>> };
}

/** Why a request waited past the moment it was asked. */
export type WaitReason = 'consolidation' | 'sending_window' | 'contact_cap';

export type DeliveryOutcome =
  | {
      readonly requestId: string;
      readonly status: 'sent';
      readonly channel: Channel;
      /** The message's own key (the outbox row); the same for every invoice it listed. */
      readonly messageKey: string;
      readonly provider: string;
      readonly providerMessageId: string;
      readonly invoiceCount: number;
      readonly waitedFor: readonly WaitReason[];
      readonly alreadySent: boolean;
    }
  | { readonly requestId: string; readonly status: 'undeliverable'; readonly channel: Channel; readonly reason: string }
  | { readonly requestId: string; readonly status: 'withdrawn' };

/** A message that left: what the caps count. */
export interface SentRecord {
  readonly at: number;
  readonly channel: Channel;
}

export const WEEK_MILLIS = 7 * 86_400_000;

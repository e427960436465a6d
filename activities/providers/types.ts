import type { MessageChannel, MessageData } from '../../workflows/activity-interfaces.js';
import type { CustomerContact } from '../../workflows/definitions.js';
import type { InvoiceLine } from '../../domain/correspondence/requests.js';

/** One message to one customer on one channel, with the key the provider deduplicates on. */
export interface OutgoingMessage {
  readonly idempotencyKey: string;
  readonly channel: MessageChannel;
  readonly template: string;
  readonly customer: CustomerContact;
  readonly subject: string;
  readonly text: string;
  /** Template data, for providers that render themselves (dynamic templates, merge variables). */
  readonly data: MessageData;
  /** A consolidated message: every invoice it lists (two or more). */
  readonly invoices?: readonly InvoiceLine[];
}

/** An attempt whose outcome is unknown: its worker may have died after the provider accepted the message. */
export interface EarlierAttempt {
  readonly message: OutgoingMessage;
  /** When the first attempt was recorded, before it sent: whatever the provider accepted for it is later. */
  readonly since: Date;
}

/** A channel's provider: SendGrid for email, Lob for letters, Twilio for SMS and calls, or a local sink. */
export interface MessageSender {
  readonly provider: string;
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
  /**
   * For providers that cannot deduplicate a re-sent request themselves: what the provider holds
   * that may be an earlier attempt of this message, oldest first (an exact match on our key where
   * the provider keeps one, else every candidate; the caller skips those another message claims).
   * Called before re-sending after an attempt whose outcome is unknown.
   */
  findSent?(earlier: EarlierAttempt): Promise<readonly { messageId: string }[]>;
}

/** The recipient cannot be reached on this channel, ever (bounced, unsubscribed, invalid address). */
export class UndeliverableError extends Error {
  override name = 'UndeliverableError';
}

export type Senders = Readonly<Record<MessageChannel, MessageSender>>;

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

/**
 * An attempt a provider can still revoke until shortly before it leaves: SendGrid's batch id and
 * the `send_at` the message was scheduled for. Recorded with the outbox row before the send, so a
 * retry after a crash knows what to cancel.
 */
export interface RevocableAttempt {
  readonly batchId: string;
  /** When the message leaves (ISO instant): the moment the sending window must hold. */
  readonly sendAt: string;
  /** The provider answered the send with an error: it did not take the message, nothing to revoke. */
  readonly refused?: boolean;
}

/** What revoking an earlier attempt achieved: `revoked`, nothing of it will ever be delivered; `too_late`, it may still be. */
export type Revocation = 'revoked' | 'too_late';

/** A channel's provider: SendGrid for email, Lob for letters, Twilio for SMS and calls, or a local sink. */
export interface MessageSender {
  readonly provider: string;
  send(message: OutgoingMessage, attempt?: RevocableAttempt): Promise<{ messageId: string }>;
  /**
   * For providers whose sends can be revoked until shortly before they leave (SendGrid scheduled
   * sends): opens an attempt to record before `send(message, attempt)`, and revokes one whose
   * outcome is unknown. `searchSettleMs`: how long after `sendAt` `findSent` is trusted to see a
   * message, for an attempt too late to revoke.
   */
  readonly revocable?: {
    open(): Promise<RevocableAttempt>;
    revoke(attempt: RevocableAttempt): Promise<Revocation>;
    readonly searchSettleMs: number;
  };
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

/** The provider answered with an error status: it did not take the message (a retry need not revoke anything). */
export class RefusedError extends Error {
  override name = 'RefusedError';
}

export type Senders = Readonly<Record<MessageChannel, MessageSender>>;

import type { MessageChannel, MessageData } from '../../workflows/activity-interfaces.js';
import type { CustomerContact } from '../../workflows/definitions.js';

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
}

/** A channel's provider: SendGrid for email, Lob for letters, Twilio for SMS and calls, or a local sink. */
export interface MessageSender {
  readonly provider: string;
  send(message: OutgoingMessage): Promise<{ messageId: string }>;
  /**
   * Asks the provider whether a message with this key was already accepted, for providers that
   * cannot deduplicate a re-sent request themselves. Called before re-sending after an attempt
   * whose outcome is unknown.
   */
  findSent?(idempotencyKey: string): Promise<{ messageId: string } | undefined>;
}

/** The recipient cannot be reached on this channel, ever (bounced, unsubscribed, invalid address). */
export class UndeliverableError extends Error {
  override name = 'UndeliverableError';
}

export type Senders = Readonly<Record<MessageChannel, MessageSender>>;

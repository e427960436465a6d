import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { appendOnce } from './jsonl-file.js';
import type { MessageSender, OutgoingMessage, RevocableAttempt } from './types.js';

/**
 * A payment that arrived after the case was handed off: the partner must know before it chases
 * the customer for money already paid. Amounts are integer minor units of `currency`.
 */
export interface LegalPaymentNotice {
  readonly type: 'payment_received';
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  /** The partner's reference of the hand-off, when it gave one. */
  readonly handoffReference: string | null;
  readonly payment: { readonly paymentId: string; readonly amountMinor: number; readonly method: string; readonly receivedAt: string };
  readonly currency: string;
  /** What the payment took off the balance, and what it paid beyond it. */
  readonly appliedMinor: number;
  readonly overpaidMinor: number;
  /** What the customer still owes after this payment. */
  readonly balanceMinor: number;
}

/** Where a case goes when collection by the book has run out: a law firm or agency. */
export interface LegalPartner {
  readonly name: string;
  /** `packet` is plain JSON (the hand-off activity has already turned BigInt amounts into strings). */
  send(packet: unknown, idempotencyKey: string, attempt?: RevocableAttempt): Promise<{ reference: string }>;
  /** A partner reached through a provider whose sends can be revoked (by email through SendGrid): see `MessageSender`. */
  readonly revocable?: MessageSender['revocable'];
  /** Tells the partner of a payment on a case it holds; the same key again must not notify twice. */
  notifyPayment(notice: LegalPaymentNotice, idempotencyKey: string): Promise<{ reference: string }>;
  /**
   * For partners that cannot deduplicate a re-sent packet themselves: whether an earlier attempt,
   * recorded at `since`, already reached them. Called before re-sending after an unknown outcome.
   */
  findSent?(packet: unknown, idempotencyKey: string, since: Date): Promise<{ reference: string } | undefined>;
}

/** A partner reached by webhook: the packet as JSON, with the key in `Idempotency-Key`. */
export class WebhookLegalPartner implements LegalPartner {
  readonly name = 'legal-webhook';
  constructor(private readonly url: string) {}

  async send(packet: unknown, idempotencyKey: string): Promise<{ reference: string }> {
    return this.post(packet, idempotencyKey);
  }

  /** The same endpoint; the partner tells the two apart by `type: 'payment_received'`. */
  async notifyPayment(notice: LegalPaymentNotice, idempotencyKey: string): Promise<{ reference: string }> {
    return this.post(notice, idempotencyKey);
  }

  private async post(body: unknown, idempotencyKey: string): Promise<{ reference: string }> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`legal partner answered ${response.status}`);
    const answer = (await response.json().catch(() => ({}))) as { reference?: string };
    return { reference: answer.reference ?? idempotencyKey };
  }
}

/** No partner configured: the packet is written to `<dir>/legal.jsonl`, once per key. */
export class LocalSinkLegalPartner implements LegalPartner {
  readonly name = 'local-sink';
  constructor(private readonly dir: string) {}

  async send(packet: unknown, idempotencyKey: string): Promise<{ reference: string }> {
    const entry = await appendOnce(join(this.dir, 'legal.jsonl'), idempotencyKey, () => ({ idempotencyKey, reference: `legal-${randomUUID()}`, sentAt: new Date().toISOString(), packet }));
    return { reference: entry.reference };
  }

  async notifyPayment(notice: LegalPaymentNotice, idempotencyKey: string): Promise<{ reference: string }> {
    const entry = await appendOnce(join(this.dir, 'legal.jsonl'), idempotencyKey, () => ({ idempotencyKey, reference: `legal-${randomUUID()}`, sentAt: new Date().toISOString(), notice }));
    return { reference: entry.reference };
  }
}

/**
 * A partner reached by email: the packet goes as JSON in the message, through the email provider,
 * which carries the key (SendGrid: a custom arg). SendGrid schedules it under a batch the hand-off
 * records first, so a retry after a crash cancels that batch before sending again.
 */
export class EmailLegalPartner implements LegalPartner {
  readonly name = 'legal-email';
  constructor(
    private readonly address: string,
    private readonly email: MessageSender,
  ) {}

  get revocable(): MessageSender['revocable'] {
    return this.email.revocable;
  }

  async send(packet: unknown, idempotencyKey: string, attempt?: RevocableAttempt): Promise<{ reference: string }> {
    const { messageId } = await this.email.send(this.messageFor(packet, idempotencyKey), attempt);
    return { reference: messageId };
  }

  async findSent(packet: unknown, idempotencyKey: string, since: Date): Promise<{ reference: string } | undefined> {
    const [earlier] = (await this.email.findSent?.({ message: this.messageFor(packet, idempotencyKey), since })) ?? [];
    return earlier ? { reference: earlier.messageId } : undefined;
  }

  private messageFor(packet: unknown, idempotencyKey: string): OutgoingMessage {
    const invoice = (packet as { invoice?: { number?: string; currency?: string; balanceMinor?: string | number; amountMinor?: string | number; dueDate?: string } }).invoice ?? {};
    return {
      idempotencyKey,
      channel: 'email',
      template: 'legal_handoff',
      customer: { customerId: 'legal-partner', name: 'Legal partner', email: this.address, timezone: 'UTC', locale: 'en' },
      subject: `Case hand-off: invoice ${invoice.number ?? ''}`,
      text: `Please take over collection of the case below.\n\n${JSON.stringify(packet, null, 2)}`,
      data: {
        invoiceNumber: invoice.number ?? '',
        currency: invoice.currency ?? 'EUR',
        amountMinor: Number(invoice.amountMinor ?? 0),
        balanceMinor: Number(invoice.balanceMinor ?? 0),
        feesMinor: 0,
        dueDate: String(invoice.dueDate ?? '').slice(0, 10),
        daysOverdue: 0,
      },
    };
  }

  async notifyPayment(notice: LegalPaymentNotice, idempotencyKey: string): Promise<{ reference: string }> {
    const { messageId } = await this.email.send({
      idempotencyKey,
      channel: 'email',
      template: 'legal_payment_received',
      customer: { customerId: 'legal-partner', name: 'Legal partner', email: this.address, timezone: 'UTC', locale: 'en' },
      subject: `Payment received: invoice ${notice.invoiceNumber}`,
      text: `The customer paid on a case you hold${notice.handoffReference ? ` (your reference ${notice.handoffReference})` : ''}. Amounts are in minor units of ${notice.currency}.\n\n${JSON.stringify(notice, null, 2)}`,
      data: {
        invoiceNumber: notice.invoiceNumber,
        currency: notice.currency,
        amountMinor: notice.payment.amountMinor,
        balanceMinor: notice.balanceMinor,
        feesMinor: 0,
        dueDate: '',
        daysOverdue: 0,
      },
    });
    return { reference: messageId };
  }
}

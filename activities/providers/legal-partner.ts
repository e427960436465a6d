import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { appendOnce } from './jsonl-file.js';
import type { MessageSender, OutgoingMessage } from './types.js';

/** Where a case goes when collection by the book has run out: a law firm or agency. */
export interface LegalPartner {
  readonly name: string;
  /** `packet` is plain JSON (the hand-off activity has already turned BigInt amounts into strings). */
  send(packet: unknown, idempotencyKey: string): Promise<{ reference: string }>;
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
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(packet),
    });
    if (!response.ok) throw new Error(`legal partner answered ${response.status}`);
    const body = (await response.json().catch(() => ({}))) as { reference?: string };
    return { reference: body.reference ?? idempotencyKey };
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
}

/**
 * A partner reached by email: the packet goes as JSON in the message, through the email provider,
 * which carries the key (SendGrid: a custom arg) and is asked for it before a re-send.
 */
export class EmailLegalPartner implements LegalPartner {
  readonly name = 'legal-email';
  constructor(
    private readonly address: string,
    private readonly email: MessageSender,
  ) {}

  async send(packet: unknown, idempotencyKey: string): Promise<{ reference: string }> {
    const { messageId } = await this.email.send(this.messageFor(packet, idempotencyKey));
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
}

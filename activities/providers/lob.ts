import Lob from 'lob';
import { type MessageSender, type OutgoingMessage, UndeliverableError } from './types.js';

export interface LobOptions {
  readonly apiKey: string;
  /** The sender's address, created once in Lob (adr_...). */
  readonly fromAddressId: string;
  /** Another API host, ending in /v1/ (tests point it at a local server that answers like Lob). */
  readonly host?: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Physical letters through Lob. Lob honours `Idempotency-Key`: a re-sent request returns the first letter. */
export class LobLetterSender implements MessageSender {
  readonly provider = 'lob';
  private readonly lob: InstanceType<typeof Lob>;

  constructor(private readonly options: LobOptions) {
    this.lob = new Lob(options.apiKey, options.host ? { host: options.host } : {});
  }

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    const address = message.customer.postalAddress;
    if (!address) throw new UndeliverableError('the customer has no postal address');
    try {
      const letter = await this.lob.letters.create(
        {
          description: `${message.template} ${message.data.invoiceNumber}`,
          to: {
            name: message.customer.name,
            address_line1: address.line1,
            address_line2: address.line2,
            address_city: address.city,
            address_state: address.region,
            address_zip: address.postalCode,
            address_country: address.country,
          },
          from: this.options.fromAddressId,
          file: `<html><body><h1>${escapeHtml(message.subject)}</h1><p>${escapeHtml(message.text).replaceAll('\n', '<br>')}</p></body></html>`,
          color: false,
          use_type: 'operational',
          // The key comes back in Lob's webhooks (a returned letter), so the case can be found.
          metadata: { invoice_number: message.data.invoiceNumber, template: message.template, idempotency_key: message.idempotencyKey.slice(0, 500) },
        },
        { 'Idempotency-Key': message.idempotencyKey },
      );
      return { messageId: letter.id };
    } catch (error) {
      // 422: Lob cannot deliver to this address (failed verification, unsupported country).
      if ((error as { status_code?: number }).status_code === 422) throw new UndeliverableError((error as Error).message);
      throw error;
    }
  }
}

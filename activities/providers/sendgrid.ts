import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import { type EarlierAttempt, type MessageSender, type OutgoingMessage, UndeliverableError } from './types.js';

export interface SendGridOptions {
  readonly apiKey: string;
  readonly from: string;
  /** Another API host (tests point it at a local server that answers like SendGrid). */
  readonly baseUrl?: string;
}

interface SendGridError {
  code?: number;
  response?: { body?: { errors?: { message?: string; field?: string | null }[] } };
}

/**
 * Email through SendGrid's v3 Mail Send. SendGrid has no idempotency keys, so the key travels as
 * a custom arg and, before re-sending after an attempt whose outcome is unknown (a crash), the
 * Email Activity API is asked whether a message with that key already exists.
 */
export class SendGridEmailSender implements MessageSender {
  readonly provider = 'sendgrid';
  private readonly client = new Client();
  private readonly mail = new MailService();

  constructor(private readonly options: SendGridOptions) {
    this.client.setApiKey(options.apiKey);
    if (options.baseUrl) this.client.setDefaultRequest('baseUrl', options.baseUrl);
    this.mail.setClient(this.client);
  }

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    if (!message.customer.email) throw new UndeliverableError('the customer has no email address');
    try {
      const [response] = await this.mail.send({
        to: { email: message.customer.email, name: message.customer.name },
        from: this.options.from,
        subject: message.subject,
        text: message.text,
        customArgs: { idempotency_key: message.idempotencyKey, template: message.template, invoice_number: message.data.invoiceNumber },
        categories: ['collections', message.template],
      });
      const id = response.headers['x-message-id'];
      return { messageId: typeof id === 'string' ? id : message.idempotencyKey };
    } catch (error) {
      const failure = error as SendGridError;
      // 400 naming the recipient: the address itself is invalid; no retry will change that.
      const recipientErrors = failure.response?.body?.errors?.filter((e) => e.field?.includes('to')) ?? [];
      if (failure.code === 400 && recipientErrors.length > 0) throw new UndeliverableError(recipientErrors.map((e) => e.message).join('; '));
      throw error;
    }
  }

  async findSent({ message }: EarlierAttempt): Promise<{ messageId: string }[]> {
    const [, body] = await this.client.request({
      method: 'GET',
      url: '/v3/messages',
      qs: { query: `unique_args['idempotency_key']="${message.idempotencyKey}"`, limit: 1 },
    });
    const messages = (body as { messages?: { msg_id: string }[] }).messages ?? [];
    return messages.slice(0, 1).map((m) => ({ messageId: m.msg_id }));
  }
}

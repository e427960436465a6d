import { Client } from '@sendgrid/client';
import { MailService } from '@sendgrid/mail';
import { type EarlierAttempt, type MessageSender, type OutgoingMessage, RefusedError, type RevocableAttempt, type Revocation, UndeliverableError } from './types.js';

const MINUTE = 60_000;

/** SendGrid's documented limits of scheduled sends (README "Email exactly once: scheduled sends"). */
export const SENDGRID_LIMITS = {
  /** A cancel or pause is not honoured later than this before send_at. */
  cancelCutoffMs: 10 * MINUTE,
  /** send_at at most this far ahead. */
  maxLeadMs: 72 * 60 * MINUTE,
};

/**
 * Our defaults: a message leaves 15 minutes after the call (the 10-minute cut-off plus 5 minutes
 * in which a retry after a crash must cancel), and the Activity search is trusted 15 minutes after
 * send_at (the real search lags by minutes). README explains both.
 */
export const SENDGRID_DEFAULTS = { sendLeadMs: 15 * MINUTE, searchSettleMs: 15 * MINUTE };

/** Our clock and SendGrid's may differ: a cancel this close to the cut-off is not trusted. */
const CLOCK_ALLOWANCE_MS = 30_000;

export interface SendGridOptions {
  readonly apiKey: string;
  readonly from: string;
  /** Another API host (tests point it at a local server that answers like SendGrid). */
  readonly baseUrl?: string;
  /** How long after the call a message leaves (send_at). Must exceed the cancel cut-off. */
  readonly sendLeadMs?: number;
  /** SendGrid's cut-off for cancels before send_at (tests shrink SendGrid's clock with the stand-in's). */
  readonly cancelCutoffMs?: number;
  /** How long after send_at the Activity search is trusted to list a delivered message. */
  readonly searchSettleMs?: number;
  /** How far our clock and SendGrid's may differ (30 s; tests on a shrunk clock use less). */
  readonly clockAllowanceMs?: number;
}

interface SendGridError {
  code?: number;
  response?: { body?: { errors?: { message?: string; field?: string | null }[] } };
}

/**
 * Email through SendGrid's v3 Mail Send. SendGrid has no idempotency keys, so every message is
 * scheduled (`send_at`, a lead ahead) under a batch of its own that the caller records first; a
 * retry after an attempt whose outcome is unknown cancels that batch (Cancel Scheduled Sends) and
 * sends again under a new one. The key also travels as a custom arg, so the Email Activity API can
 * be asked for it when a cancel came too late (`findSent`).
 */
export class SendGridEmailSender implements MessageSender {
  readonly provider = 'sendgrid';
  private readonly client = new Client();
  private readonly mail = new MailService();
  private readonly sendLeadMs: number;
  private readonly cancelCutoffMs: number;
  private readonly clockAllowanceMs: number;
  readonly revocable;

  constructor(private readonly options: SendGridOptions) {
    this.client.setApiKey(options.apiKey);
    if (options.baseUrl) this.client.setDefaultRequest('baseUrl', options.baseUrl);
    this.mail.setClient(this.client);
    this.sendLeadMs = options.sendLeadMs ?? SENDGRID_DEFAULTS.sendLeadMs;
    this.cancelCutoffMs = options.cancelCutoffMs ?? SENDGRID_LIMITS.cancelCutoffMs;
    this.clockAllowanceMs = options.clockAllowanceMs ?? CLOCK_ALLOWANCE_MS;
    if (this.sendLeadMs <= this.cancelCutoffMs + this.clockAllowanceMs) throw new Error(`the SendGrid send lead (${this.sendLeadMs} ms) must exceed the cancel cut-off (${this.cancelCutoffMs} ms) by more than ${this.clockAllowanceMs} ms`);
    if (this.sendLeadMs > SENDGRID_LIMITS.maxLeadMs) throw new Error('the SendGrid send lead must not exceed 72 hours (send_at limit)');
    this.revocable = { open: () => this.openAttempt(), revoke: (attempt: RevocableAttempt) => this.revoke(attempt), searchSettleMs: options.searchSettleMs ?? SENDGRID_DEFAULTS.searchSettleMs };
  }

  /** A batch of its own (`POST /v3/mail/batch`) and the send_at a lead from now, in whole seconds as SendGrid takes it. */
  private async openAttempt(): Promise<RevocableAttempt> {
    const [, body] = await this.client.request({ method: 'POST', url: '/v3/mail/batch' });
    const batchId = (body as { batch_id?: string }).batch_id;
    if (!batchId) throw new Error('SendGrid returned no batch_id');
    const sendAt = Math.ceil((Date.now() + this.sendLeadMs) / 1000) * 1000;
    return { batchId, sendAt: new Date(sendAt).toISOString() };
  }

  /**
   * Cancels the batch (`POST /v3/user/scheduled_sends`, status `cancel`): SendGrid discards its
   * messages at send_at. Too close to send_at the cancel is not honoured: `too_late` without asking.
   */
  private async revoke(attempt: RevocableAttempt): Promise<Revocation> {
    if (Date.now() > Date.parse(attempt.sendAt) - this.cancelCutoffMs - this.clockAllowanceMs) return 'too_late';
    try {
      await this.client.request({ method: 'POST', url: '/v3/user/scheduled_sends', body: { batch_id: attempt.batchId, status: 'cancel' } });
      return 'revoked';
    } catch (error) {
      // An earlier retry may have cancelled it already and died before recording that.
      const [, body] = await this.client.request({ method: 'GET', url: `/v3/user/scheduled_sends/${attempt.batchId}` }).catch(() => [undefined, []] as const);
      if ((body as { status?: string }[]).some((s) => s.status === 'cancel')) return 'revoked';
      throw error; // e.g. ten batches already cancelled: retried (with backoff) until the cut-off
    }
  }

  async send(message: OutgoingMessage, attempt?: RevocableAttempt): Promise<{ messageId: string }> {
    if (!message.customer.email) throw new UndeliverableError('the customer has no email address');
    try {
      const [response] = await this.mail.send({
        to: { email: message.customer.email, name: message.customer.name },
        from: this.options.from,
        subject: message.subject,
        text: message.text,
        customArgs: { idempotency_key: message.idempotencyKey, template: message.template, invoice_number: message.data.invoiceNumber },
        categories: ['collections', message.template],
        ...(attempt ? { batchId: attempt.batchId, sendAt: Date.parse(attempt.sendAt) / 1000 } : {}),
      });
      const id = response.headers['x-message-id'];
      return { messageId: typeof id === 'string' ? id : message.idempotencyKey };
    } catch (error) {
      const failure = error as SendGridError;
      // 400 naming the recipient: the address itself is invalid; no retry will change that.
      const recipientErrors = failure.response?.body?.errors?.filter((e) => e.field?.includes('to')) ?? [];
      if (failure.code === 400 && recipientErrors.length > 0) throw new UndeliverableError(recipientErrors.map((e) => e.message).join('; '));
      // SendGrid answered 4xx (429 included): it did not take the message. A 5xx or no answer: unknown.
      if (typeof failure.code === 'number' && failure.code >= 400 && failure.code < 500) throw new RefusedError(`SendGrid answered ${failure.code}: ${JSON.stringify(failure.response?.body ?? {})}`);
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

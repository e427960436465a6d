import { createHash } from 'node:crypto';
import twilio from 'twilio';
import { type EarlierAttempt, type MessageSender, type OutgoingMessage, UndeliverableError } from './types.js';

export interface TwilioOptions {
  readonly accountSid: string;
  readonly authToken: string;
  readonly fromNumber: string;
  /** TaskRouter workspace and workflow that route call tasks to collectors. */
  readonly workspaceSid?: string;
  readonly workflowSid?: string;
  /** Another API origin (tests point it at a local server that answers like Twilio). */
  readonly baseUrl?: string;
}

/** Twilio's own request client, sending every request to another origin when one is given. */
function httpClientFor(baseUrl: string | undefined): InstanceType<typeof twilio.RequestClient> {
  const client = new twilio.RequestClient();
  if (!baseUrl) return client;
  const request = client.request.bind(client);
  client.request = (opts) => request({ ...opts, uri: `${baseUrl}${new URL(opts.uri).pathname}${new URL(opts.uri).search}`, headers: { ...opts.headers, 'x-twilio-host': new URL(opts.uri).host } });
  return client;
}

// Twilio error codes that mean "this number can never receive this": invalid, unsubscribed (STOP), landline.
const UNDELIVERABLE_CODES = new Set([21211, 21214, 21610, 21612, 21614]);

function rethrow(error: unknown): never {
  const code = (error as { code?: number }).code;
  if (code !== undefined && UNDELIVERABLE_CODES.has(code)) throw new UndeliverableError(`Twilio ${code}: ${(error as Error).message}`);
  throw error;
}

/** What every Twilio channel shares: the client, and a phone number to reach. */
abstract class TwilioChannel<O extends TwilioOptions = TwilioOptions> implements MessageSender {
  abstract readonly provider: string;
  protected readonly client: ReturnType<typeof twilio>;

  constructor(protected readonly options: O) {
    this.client = twilio(options.accountSid, options.authToken, { httpClient: httpClientFor(options.baseUrl) });
  }

  abstract send(message: OutgoingMessage): Promise<{ messageId: string }>;

  protected phoneOf(message: OutgoingMessage): string {
    if (!message.customer.phone) throw new UndeliverableError('the customer has no phone number');
    return message.customer.phone;
  }
}

/** How many of the latest messages or calls from our number to the customer's a retry looks through. */
const LOOKBACK = 50;
/** Twilio's clock against our database's: a call created this much before our record still counts. */
const CLOCK_SKEW_MS = 60_000;

/** The reference an SMS carries, short and derived from the key: how a retry recognises it at Twilio. */
export function smsReference(idempotencyKey: string): string {
  return `Ref ${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 10).toUpperCase()}`;
}

/**
 * SMS through Twilio Messaging. Twilio takes no idempotency key and keeps no field of ours on a
 * message, so the body ends with a reference derived from the key, and a retry after an unknown
 * outcome lists the latest messages from our number to the customer and looks for it. Not by
 * DateSent: a message still queued at Twilio (1 per second per long code) has none yet.
 */
export class TwilioSmsSender extends TwilioChannel {
  readonly provider = 'twilio';

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    const reference = `\n${smsReference(message.idempotencyKey)}`;
    const body = `${`${message.subject}\n${message.text}`.slice(0, 1_600 - reference.length)}${reference}`;
    const sms = await this.client.messages.create({ to: this.phoneOf(message), from: this.options.fromNumber, body }).catch(rethrow);
    return { messageId: sms.sid };
  }

  async findSent({ message }: EarlierAttempt): Promise<{ messageId: string }[]> {
    const reference = smsReference(message.idempotencyKey);
    const latest = await this.client.messages.list({ to: this.phoneOf(message), from: this.options.fromNumber, limit: LOOKBACK });
    return latest.filter((sms) => sms.body?.endsWith(reference)).map((sms) => ({ messageId: sms.sid }));
  }
}

/**
 * A collector's call task through Twilio TaskRouter: the task carries invoice, customer, phone and
 * amounts, and the idempotency key as an attribute, so an uncertain retry first looks the task up.
 */
export class TwilioCallTasker extends TwilioChannel<TwilioOptions & { workspaceSid: string; workflowSid: string }> {
  readonly provider = 'twilio-taskrouter';

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    const phone = this.phoneOf(message);
    const attributes = {
      type: 'collection_call',
      idempotency_key: message.idempotencyKey,
      invoice_number: message.data.invoiceNumber,
      customer_name: message.customer.name,
      phone,
      currency: message.data.currency,
      balance_minor: message.data.balanceMinor,
      fees_minor: message.data.feesMinor,
      days_overdue: message.data.daysOverdue,
      brief: message.text,
      // A consolidated call: the collector's task lists every invoice to talk about, not only the first.
      invoice_count: message.invoices?.length ?? 1,
      invoices: (message.invoices ?? [{ invoiceNumber: message.data.invoiceNumber, currency: message.data.currency, balanceMinor: message.data.balanceMinor, feesMinor: message.data.feesMinor, dueDate: message.data.dueDate }]).map((line) => ({
        invoice_number: line.invoiceNumber,
        currency: line.currency,
        balance_minor: line.balanceMinor,
        fees_minor: line.feesMinor,
        due_date: line.dueDate,
      })),
    };
    const task = await this.client.taskrouter.v1
      .workspaces(this.options.workspaceSid)
      .tasks.create({ workflowSid: this.options.workflowSid, attributes: JSON.stringify(attributes), taskChannel: 'voice' })
      .catch(rethrow);
    return { messageId: task.sid };
  }

  async findSent({ message }: EarlierAttempt): Promise<{ messageId: string }[]> {
    const tasks = await this.client.taskrouter.v1.workspaces(this.options.workspaceSid).tasks.list({ evaluateTaskAttributes: `idempotency_key == "${message.idempotencyKey}"`, limit: 1 });
    return tasks.map((task) => ({ messageId: task.sid }));
  }
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The other kind of call step: an automated reminder call through Twilio Voice that reads the
 * message to the customer in their language (TWILIO_CALL_MODE=voice). A Call keeps nothing of ours
 * that its list returns (not the TwiML, not the callback URL), so a retry after an unknown outcome
 * can only match by number and time: every call from our number to the customer's created since
 * the first attempt was recorded is a candidate, and the caller skips those another step claims.
 */
export class TwilioReminderCaller extends TwilioChannel {
  readonly provider = 'twilio-voice';

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    const to = this.phoneOf(message);
    const twiml = `<Response><Say language="${escapeXml(message.customer.locale)}">${escapeXml(message.text)}</Say></Response>`;
    const call = await this.client.calls.create({ to, from: this.options.fromNumber, twiml }).catch(rethrow);
    return { messageId: call.sid };
  }

  async findSent({ message, since }: EarlierAttempt): Promise<{ messageId: string }[]> {
    // Not by StartTime: a call waiting in Twilio's calls-per-second queue has not started yet.
    const latest = await this.client.calls.list({ to: this.phoneOf(message), from: this.options.fromNumber, limit: LOOKBACK });
    return latest
      .filter((call) => call.dateCreated.getTime() >= since.getTime() - CLOCK_SKEW_MS)
      .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime())
      .map((call) => ({ messageId: call.sid }));
  }
}

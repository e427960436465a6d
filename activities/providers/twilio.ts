import twilio from 'twilio';
import { type MessageSender, type OutgoingMessage, UndeliverableError } from './types.js';

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

/** SMS through Twilio Messaging. */
export class TwilioSmsSender extends TwilioChannel {
  readonly provider = 'twilio';

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    const sms = await this.client.messages.create({ to: this.phoneOf(message), from: this.options.fromNumber, body: `${message.subject}\n${message.text}`.slice(0, 1_600) }).catch(rethrow);
    return { messageId: sms.sid };
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
    };
    const task = await this.client.taskrouter.v1
      .workspaces(this.options.workspaceSid)
      .tasks.create({ workflowSid: this.options.workflowSid, attributes: JSON.stringify(attributes), taskChannel: 'voice' })
      .catch(rethrow);
    return { messageId: task.sid };
  }

  async findSent(idempotencyKey: string): Promise<{ messageId: string } | undefined> {
    const tasks = await this.client.taskrouter.v1.workspaces(this.options.workspaceSid).tasks.list({ evaluateTaskAttributes: `idempotency_key == "${idempotencyKey}"`, limit: 1 });
    return tasks[0] ? { messageId: tasks[0].sid } : undefined;
  }
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The other kind of call step: an automated reminder call through Twilio Voice that reads the
 * message to the customer in their language (TWILIO_CALL_MODE=voice).
 */
export class TwilioReminderCaller extends TwilioChannel {
  readonly provider = 'twilio-voice';

  async send(message: OutgoingMessage): Promise<{ messageId: string }> {
    const to = this.phoneOf(message);
    const twiml = `<Response><Say language="${escapeXml(message.customer.locale)}">${escapeXml(message.text)}</Say></Response>`;
    const call = await this.client.calls.create({ to, from: this.options.fromNumber, twiml }).catch(rethrow);
    return { messageId: call.sid };
  }
}

import { resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import { EmailLegalPartner, type LegalPartner, LocalSinkLegalPartner, WebhookLegalPartner } from './legal-partner.js';
import { LobLetterSender } from './lob.js';
import { localSinks } from './local-sink.js';
import { SendGridEmailSender } from './sendgrid.js';
import { TwilioCallTasker, TwilioReminderCaller, TwilioSmsSender } from './twilio.js';
import type { Senders } from './types.js';
import type { MessageChannel } from '../../workflows/activity-interfaces.js';

export interface Providers {
  readonly senders: Senders;
  readonly legalPartner: LegalPartner;
  /** Requests per second each channel's real provider accepts; local sinks are not limited. */
  readonly rateLimits: Partial<Record<MessageChannel, number>>;
  /** One line per channel saying where messages go, for the start-up log. */
  readonly description: string[];
}

/** Each channel uses its real provider when its credentials are configured, else its local sink. */
export function providersFromConfig(config: Config): Providers {
  const sinkDir = resolve(config.SINK_DIR);
  const sinks = localSinks(sinkDir);
  const twilio =
    config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM_NUMBER
      ? { accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, fromNumber: config.TWILIO_FROM_NUMBER, ...(config.TWILIO_BASE_URL ? { baseUrl: config.TWILIO_BASE_URL } : {}) }
      : undefined;
  const senders: Senders = {
    email:
      config.SENDGRID_API_KEY && config.SENDGRID_FROM_EMAIL
        ? new SendGridEmailSender({
            apiKey: config.SENDGRID_API_KEY,
            from: config.SENDGRID_FROM_EMAIL,
            sendLeadMs: config.SENDGRID_SEND_LEAD_SECONDS * 1000,
            searchSettleMs: config.SENDGRID_SEARCH_SETTLE_SECONDS * 1000,
            ...(config.SENDGRID_BASE_URL ? { baseUrl: config.SENDGRID_BASE_URL } : {}),
          })
        : sinks.email,
    letter:
      config.LOB_API_KEY && config.LOB_FROM_ADDRESS_ID
        ? new LobLetterSender({ apiKey: config.LOB_API_KEY, fromAddressId: config.LOB_FROM_ADDRESS_ID, ...(config.LOB_BASE_URL ? { host: config.LOB_BASE_URL } : {}) })
        : sinks.letter,
    sms: twilio ? new TwilioSmsSender(twilio) : sinks.sms,
    call_task:
      twilio && config.TWILIO_CALL_MODE === 'voice'
        ? new TwilioReminderCaller(twilio)
        : twilio && config.TWILIO_WORKSPACE_SID && config.TWILIO_WORKFLOW_SID
          ? new TwilioCallTasker({ ...twilio, workspaceSid: config.TWILIO_WORKSPACE_SID, workflowSid: config.TWILIO_WORKFLOW_SID })
          : sinks.call_task,
  };
  const limits: Record<MessageChannel, number> = {
    email: config.SENDGRID_MAX_PER_SECOND,
    letter: config.LOB_MAX_PER_SECOND,
    sms: config.TWILIO_SMS_MAX_PER_SECOND,
    call_task: config.TWILIO_CALLS_MAX_PER_SECOND,
  };
  const rateLimits = Object.fromEntries(Object.entries(limits).filter(([channel]) => senders[channel as MessageChannel].provider !== 'local-sink'));
  const legalPartner = config.LEGAL_PARTNER_WEBHOOK_URL
    ? new WebhookLegalPartner(config.LEGAL_PARTNER_WEBHOOK_URL)
    : config.LEGAL_PARTNER_EMAIL
      ? new EmailLegalPartner(config.LEGAL_PARTNER_EMAIL, senders.email)
      : new LocalSinkLegalPartner(sinkDir);
  return {
    senders,
    legalPartner,
    rateLimits,
    description: [
      ...Object.entries(senders).map(([channel, sender]) => `${channel}: ${sender.provider}${sender.provider === 'local-sink' ? ` (${sinkDir}/${channel}.jsonl)` : ` (at most ${limits[channel as MessageChannel]}/s)`}`),
      `legal: ${legalPartner.name}`,
    ],
  };
}

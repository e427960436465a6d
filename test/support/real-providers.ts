import { LobLetterSender } from '../../activities/providers/lob.js';
import { SendGridEmailSender, type SendGridOptions } from '../../activities/providers/sendgrid.js';
import { TwilioCallTasker, TwilioReminderCaller, TwilioSmsSender } from '../../activities/providers/twilio.js';
import type { Senders } from '../../activities/providers/types.js';

export const fakeCredentials = {
  sendgridKey: 'SG.test-key',
  from: 'billing@seller.example',
  lobKey: 'test_lob_key',
  lobFrom: 'adr_seller01',
  accountSid: `AC${'1'.repeat(32)}`,
  authToken: 'twilio-token',
  fromNumber: '+15005550006',
  workspaceSid: `WS${'2'.repeat(32)}`,
  workflowSid: `WW${'3'.repeat(32)}`,
};

/** SendGrid's timing shrunk from minutes to seconds, for the sender and the stand-in alike (cut-off 5 s, lead 40 s). */
export const shrunkSendGridTiming = { cancelCutoffMs: 5_000, sendLeadMs: 40_000, clockAllowanceMs: 1_000, searchSettleMs: 20_000 } as const;

type SendGridTiming = Pick<SendGridOptions, 'cancelCutoffMs' | 'sendLeadMs' | 'clockAllowanceMs' | 'searchSettleMs'>;

/** The real provider adapters (real SDKs), pointed at the local servers that answer like the providers. */
export function realSenders(baseUrl: string, options: { callMode?: 'task' | 'voice'; sendgrid?: SendGridTiming } = {}): Senders {
  const twilio = { accountSid: fakeCredentials.accountSid, authToken: fakeCredentials.authToken, fromNumber: fakeCredentials.fromNumber, baseUrl };
  return {
    email: new SendGridEmailSender({ apiKey: fakeCredentials.sendgridKey, from: fakeCredentials.from, baseUrl, ...options.sendgrid }),
    letter: new LobLetterSender({ apiKey: fakeCredentials.lobKey, fromAddressId: fakeCredentials.lobFrom, host: `${baseUrl}/v1/` }),
    sms: new TwilioSmsSender(twilio),
    call_task: options.callMode === 'voice' ? new TwilioReminderCaller(twilio) : new TwilioCallTasker({ ...twilio, workspaceSid: fakeCredentials.workspaceSid, workflowSid: fakeCredentials.workflowSid }),
  };
}

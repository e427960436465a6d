import { describe, expect, it } from 'vitest';
import { collectionWorkflowId, collectionWorkflowType } from '../workflows/definitions.js';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import { eventually } from './support/eventually.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from './support/fixtures.js';
import type { ProviderServers } from './support/provider-servers.js';
import { onWorkerWithProviders } from './support/provider-worker.js';
import { smsReference, TwilioReminderCaller, TwilioSmsSender } from '../activities/providers/twilio.js';
import { fakeCredentials, realSenders } from './support/real-providers.js';
import { type WorkerHarness } from './support/worker.js';
import { isoDay } from './support/clock.js';

/**
 * The real SendGrid, Lob and Twilio SDKs, through our adapters, talking HTTP to a local server
 * that answers like those providers (mocked: the real APIs cannot be reached from here).
 */
let servers: ProviderServers;
let harness: WorkerHarness;
onWorkerWithProviders((s, h) => ((servers = s), (harness = h)));

const forInvoice = (invoiceId: string) => servers.accepted.filter((a) => a.idempotencyKey?.startsWith(invoiceId) || JSON.stringify(a.body).includes(invoiceId));

describe('providers over HTTP (local servers answering like SendGrid, Lob and Twilio)', () => {
  it('sends each ladder step once through its provider, with the recipient, amounts and keys', async () => {
    const made = await createOverdueInvoice(harness.prisma, { amountMinor: 250_000n });
    const handle = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
      workflowId: collectionWorkflowId(made.invoice.id),
      taskQueue: harness.taskQueue,
      args: [caseInput(made, secondScalePolicy({ steps: secondScalePolicy().steps.slice(0, 4) }))],
    });
    await eventually(async () => servers.accepted.filter((a) => a.provider === 'twilio-task' && a.idempotencyKey?.startsWith(made.invoice.id)).length, (n) => n === 1, 15_000);
    await handle.terminate('test done');

    const mails = servers.accepted.filter((a) => a.provider === 'sendgrid' && a.idempotencyKey?.startsWith(made.invoice.id));
    expect(mails).toHaveLength(1);
    const mail = mails[0]!.body as { personalizations: { to: { email: string }[] }[]; from: { email: string }; subject: string; content: { value: string }[]; custom_args: Record<string, string> };
    expect(mail.personalizations[0]?.to[0]?.email).toBe('ap@mueller-grosshandel.example');
    expect(mail.from.email).toBe(fakeCredentials.from);
    expect(mail.subject).toContain(made.invoice.number);
    expect(mail.content[0]?.value).toContain('2.500,00\u00a0€');
    expect(mail.custom_args).toMatchObject({ template: 'overdue_notice', invoice_number: made.invoice.number });

    const letters = servers.accepted.filter((a) => a.provider === 'lob' && a.idempotencyKey?.startsWith(made.invoice.id));
    expect(letters).toHaveLength(1);
    expect(letters[0]!.body).toMatchObject({ 'to[name]': 'Müller Großhandel GmbH', 'to[address_line1]': 'Hauptstraße 1', 'to[address_zip]': '10115', 'to[address_country]': 'DE', from: fakeCredentials.lobFrom });

    const task = servers.accepted.find((a) => a.provider === 'twilio-task' && a.idempotencyKey?.startsWith(made.invoice.id))!;
    expect(JSON.parse(task.body.Attributes as string)).toMatchObject({ type: 'collection_call', invoice_number: made.invoice.number, phone: '+4930123456', currency: 'EUR', balance_minor: 254_000, fees_minor: 4_000 });
    expect(task.body.WorkflowSid).toBe(fakeCredentials.workflowSid);

    // Each provider was called with its own authentication.
    const auth = (provider: string) => servers.requests.find((r) => r.provider === provider)?.headers.authorization;
    expect(auth('sendgrid')).toBe(`Bearer ${fakeCredentials.sendgridKey}`);
    expect(auth('lob')).toBe(`Basic ${Buffer.from(`${fakeCredentials.lobKey}:`).toString('base64')}`);
    expect(auth('twilio')).toBe(`Basic ${Buffer.from(`${fakeCredentials.accountSid}:${fakeCredentials.authToken}`).toString('base64')}`);

    const outbox = await harness.prisma.outboxMessage.findMany({ where: { invoiceId: made.invoice.id }, orderBy: { createdAt: 'asc' } });
    expect(outbox.map((o) => [o.provider, o.status, o.providerMessageId])).toEqual([
      ['sendgrid', 'sent', mails[0]!.id],
      ['lob', 'sent', letters[0]!.id],
      ['twilio-taskrouter', 'sent', task.id],
    ]);
  });

  it('falls back from an address SendGrid rejects to an SMS through Twilio', async () => {
    const made = await createOverdueInvoice(harness.prisma, { customer: { email: 'nobody@rejected.example' } });
    const handle = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
      workflowId: collectionWorkflowId(made.invoice.id),
      taskQueue: harness.taskQueue,
      args: [caseInput(made, secondScalePolicy({ steps: secondScalePolicy().steps.slice(0, 1) }))],
    });
    const sms = await eventually(async () => servers.accepted.filter((a) => a.provider === 'twilio-sms' && a.body.To === '+4930123456' && String(a.body.Body).includes(made.invoice.number)), (found) => found.length === 1);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.body.From).toBe(fakeCredentials.fromNumber);
    await handle.terminate('test done');
    const outbox = await harness.prisma.outboxMessage.findMany({ where: { invoiceId: made.invoice.id }, orderBy: { createdAt: 'asc' } });
    expect(outbox.map((o) => `${o.provider}:${o.status}`)).toEqual(['sendgrid:failed', 'twilio:sent']);
    expect(outbox[0]?.lastError).toContain('Does not contain a valid address');
  });

  it('gets the same letter back when Lob sees an idempotency key again', async () => {
    const lob = realSenders(servers.baseUrl).letter;
    const made = await createOverdueInvoice(harness.prisma);
    const message = {
      idempotencyKey: `${made.invoice.id}:direct-letter`,
      channel: 'letter' as const,
      template: 'formal_letter',
      customer: made.contact,
      subject: 'Overdue',
      text: 'Please pay',
      data: { invoiceNumber: made.invoice.number, currency: 'EUR', amountMinor: 1, balanceMinor: 1, feesMinor: 0, dueDate: isoDay(-30), daysOverdue: 1 },
    };
    const first = await lob.send(message);
    const second = await lob.send(message);
    expect(second.messageId).toBe(first.messageId);
    expect(forInvoice(made.invoice.id).filter((a) => a.provider === 'lob')).toHaveLength(1);
    expect(servers.requests.filter((r) => r.provider === 'lob' && r.headers['idempotency-key'] === message.idempotencyKey)).toHaveLength(2);
  });

  it('places an automated reminder call through Twilio Voice when configured so', async () => {
    const made = await createOverdueInvoice(harness.prisma);
    const caller = new TwilioReminderCaller({ accountSid: fakeCredentials.accountSid, authToken: fakeCredentials.authToken, fromNumber: fakeCredentials.fromNumber, baseUrl: servers.baseUrl });
    const { messageId } = await caller.send({ idempotencyKey: `${made.invoice.id}:call`, channel: 'call_task', template: 'collector_call', customer: made.contact, subject: 's', text: `Invoice ${made.invoice.number} is overdue <urgent>`, data: { invoiceNumber: made.invoice.number, currency: 'EUR', amountMinor: 1, balanceMinor: 1, feesMinor: 0, dueDate: isoDay(-30), daysOverdue: 1 } });
    const call = servers.accepted.find((a) => a.id === messageId)!;
    expect(call.provider).toBe('twilio-call');
    expect(call.body).toMatchObject({ To: '+4930123456', From: fakeCredentials.fromNumber });
    expect(call.body.Twiml).toBe(`<Response><Say language="de-DE">Invoice ${made.invoice.number} is overdue &#60;urgent&#62;</Say></Response>`);
  });

  it('finds an earlier SMS by the reference its body ends with, and not another step’s SMS to the same number', async () => {
    const made = await createOverdueInvoice(harness.prisma, { customer: { phone: '+4930999001' } });
    const sms = new TwilioSmsSender({ accountSid: fakeCredentials.accountSid, authToken: fakeCredentials.authToken, fromNumber: fakeCredentials.fromNumber, baseUrl: servers.baseUrl });
    const message = (key: string) => ({ idempotencyKey: key, channel: 'sms' as const, template: 'overdue_notice', customer: made.contact, subject: 'Overdue', text: 'Please pay', data: { invoiceNumber: made.invoice.number, currency: 'EUR', amountMinor: 1, balanceMinor: 1, feesMinor: 0, dueDate: isoDay(-30), daysOverdue: 1 } });
    const since = new Date();
    const { messageId } = await sms.send(message(`${made.invoice.id}:first`));
    await sms.send(message(`${made.invoice.id}:second`));
    expect(servers.accepted.find((a) => a.id === messageId)?.body.Body).toMatch(new RegExp(`\n${smsReference(`${made.invoice.id}:first`)}$`));
    expect(await sms.findSent({ message: message(`${made.invoice.id}:first`), since })).toEqual([{ messageId }]);
    expect(await sms.findSent({ message: message(`${made.invoice.id}:never-sent`), since })).toEqual([]);
  });

  it('offers as an earlier reminder call only calls to the customer created since the first attempt', async () => {
    const made = await createOverdueInvoice(harness.prisma, { customer: { phone: '+4930999002' } });
    const caller = new TwilioReminderCaller({ accountSid: fakeCredentials.accountSid, authToken: fakeCredentials.authToken, fromNumber: fakeCredentials.fromNumber, baseUrl: servers.baseUrl });
    const message = { idempotencyKey: `${made.invoice.id}:call`, channel: 'call_task' as const, template: 'collector_call', customer: made.contact, subject: 's', text: 'Please pay', data: { invoiceNumber: made.invoice.number, currency: 'EUR', amountMinor: 1, balanceMinor: 1, feesMinor: 0, dueDate: isoDay(-30), daysOverdue: 1 } };
    const { messageId } = await caller.send(message);
    expect(await caller.findSent({ message, since: new Date(Date.now() - 5_000) })).toEqual([{ messageId }]);
    expect(await caller.findSent({ message, since: new Date(Date.now() + 120_000) })).toEqual([]); // created before the attempt: not it
    expect(await caller.findSent({ message: { ...message, customer: { ...made.contact, phone: '+4930999003' } }, since: new Date(0) })).toEqual([]);
  });

  it('reports a letter Lob cannot deliver as undeliverable (no retry)', async () => {
    const made = await createOverdueInvoice(harness.prisma, { customer: { addressLine1: 'Undeliverable Road 1' } });
    const lob = realSenders(servers.baseUrl).letter;
    await expect(
      lob.send({ idempotencyKey: `${made.invoice.id}:bad`, channel: 'letter', template: 'x', customer: made.contact, subject: 's', text: 't', data: { invoiceNumber: 'n', currency: 'EUR', amountMinor: 1, balanceMinor: 1, feesMinor: 0, dueDate: isoDay(-30), daysOverdue: 1 } }),
    ).rejects.toMatchObject({ name: 'UndeliverableError', message: 'the address is undeliverable' });
  });
});

// A collection case you can watch on a running system (`npm run dev`): a second-scale ladder
// (email at 3 s, letter at 6 s, fee at 9 s, call at 12 s, legal at 15 s) for a demo invoice, paid
// in full right after the letter. Prints the workflow's view, the invoice row and the audit log
// from PostgreSQL, and checks that they agree. `--no-pay` lets the ladder run to legal hand-off.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { caseInputFromRows } from '../api/services/case-input.js';
import { encryptingDataConverter } from '../codec/data-converter.js';
import { loadConfig, orExitOnConfigError } from '../config/load.js';
import { payloadEncryptionKeys } from '../config/payload-encryption.js';
import { temporalConnectionSettings } from '../config/temporal-connection.js';
import { defaultPolicy } from '../domain/default-policy.js';
import { parsePolicy } from '../domain/policy.js';
import { createPrismaClient } from '../prisma/client.js';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import { caseStateQuery, collectionWorkflowId, collectionWorkflowType, recordPaymentUpdate } from '../workflows/definitions.js';

const { values } = parseArgs({ options: { 'no-pay': { type: 'boolean', default: false } } });
const config = loadConfig();
const prisma = createPrismaClient(config.DATABASE_URL);
const connection = await Connection.connect(temporalConnectionSettings(config));
const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: encryptingDataConverter(orExitOnConfigError(() => payloadEncryptionKeys(config))) });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const demoPolicy = parsePolicy({
  ...defaultPolicy,
  name: 'demo-seconds',
  graceDays: 0,
  sendingWindows: null,
  feeRule: { kind: 'flat', amountMinor: 2_500, recurrence: 'once' },
  steps: [
    { id: 'reminder', offset: 'PT3S', actions: [{ type: 'email', template: 'overdue_notice' }] },
    { id: 'letter', offset: 'PT6S', actions: [{ type: 'letter', template: 'formal_letter' }] },
    { id: 'late_fee', offset: 'PT9S', actions: [{ type: 'late_fee' }] },
    { id: 'call', offset: 'PT12S', actions: [{ type: 'call_task', template: 'collector_call' }] },
    { id: 'legal', offset: 'PT15S', actions: [{ type: 'legal_handoff' }] },
  ],
  // The customer's correspondence in seconds: requests merged within 1 s, at most 5 messages a
  // "week" and 2 s between two (the default's hours and days would hold the demo for hours).
  consolidation: { window: 'PT1S' },
  contactCaps: { perWeek: 5, perWeekPerChannel: 3, minimumGap: 'PT2S' },
  // The default's notice rules in seconds: the fee 3 s after any message, legal 5 s after the letter.
  priorNotice: {
    late_fee: { template: 'overdue_notice', minimum: 'PT3S', anyMessage: true },
    legal_handoff: { template: 'formal_letter', minimum: 'PT5S', channel: 'letter' },
  },
});

try {
  const suffix = randomUUID().slice(0, 8);
  const customer = await prisma.customer.create({
    data: { source: 'demo', externalId: `CUST-${suffix}`, name: 'Demo Wholesale Ltd', billingEmail: 'ap@demo-wholesale.example', phone: '+442071234567', addressLine1: '1 Demo Street', city: 'London', postalCode: 'EC1A 1AA', country: 'GB', timezone: 'Europe/London', locale: 'en-GB' },
  });
  const invoice = await prisma.invoice.create({
    data: { source: 'demo', externalId: `INV-${suffix}`, number: `DEMO-${suffix}`, customerId: customer.id, issueDate: new Date('2026-10-01'), dueDate: new Date('2026-10-31'), amountMinor: 480_000n, balanceMinor: 480_000n, currency: 'GBP', paymentLink: `https://pay.example/DEMO-${suffix}` },
  });
  const workflowId = collectionWorkflowId(invoice.id);
  await prisma.invoice.update({ where: { id: invoice.id }, data: { workflowId } });
  const handle = await client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, {
    workflowId,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    staticSummary: `Collect invoice ${invoice.number} from ${customer.name}`,
    staticDetails: `Policy ${demoPolicy.name}@${demoPolicy.version}, second-scale demo ladder`,
    args: [{ ...caseInputFromRows(invoice, customer, demoPolicy), scheduleAnchor: new Date().toISOString() }],
  });
  console.log(`started ${workflowId} (see it in the Temporal UI, or: temporal workflow describe -w ${workflowId})`);

  if (values['no-pay']) {
    console.log('letting the ladder run to legal hand-off (about 15 s)...');
    await handle.result();
  } else {
    let view = await handle.query(caseStateQuery);
    while (!view.recentActions.some((a) => a.action === 'letter')) {
      await sleep(200);
      view = await handle.query(caseStateQuery);
    }
    console.log('letter sent; paying in full...');
    const paidAt = Date.now();
    await handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: `PAY-${suffix}`, amountMinor: view.balanceMinor, currency: 'GBP', method: 'bank_transfer', receivedAt: new Date().toISOString(), actor: 'demo-script' }] });
    await handle.result();
    console.log(`case closed ${Date.now() - paidAt} ms after the payment`);
  }

  const final = await handle.query(caseStateQuery);
  const row = await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id }, include: { events: { orderBy: [{ sequence: { sort: 'asc', nulls: 'last' } }, { occurredAt: 'asc' }] } } });
  console.log('workflow view:', { stage: final.stage, balanceMinor: final.balanceMinor, feesMinor: final.feesMinor, actions: final.recentActions.map((a) => `${a.stepId}:${a.status}`) });
  console.log('invoice row:  ', { status: row.status, balanceMinor: row.balanceMinor.toString() });
  console.log('audit log:');
  for (const event of row.events) console.log(`  ${event.occurredAt.toISOString()}  ${event.category}/${event.kind}${event.action ? ` (${event.action})` : ''}  by ${event.actor}`);
  if (BigInt(final.balanceMinor) !== row.balanceMinor) {
    console.error('the database balance disagrees with the workflow');
    process.exitCode = 1;
  }
} finally {
  await connection.close();
  await prisma.$disconnect();
}

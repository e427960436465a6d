// Shows the whole chain on a running system (`npm run dev`): creates a demo customer and overdue
// invoice, starts its collection case, signals a partial payment, and prints the case's state and
// audit log. The case stays open, so `temporal workflow list` and the Web UI show it.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config/load.js';
import { temporalConnectionSettings } from '../config/temporal-connection.js';
import { createPrismaClient } from '../prisma/client.js';
import { caseStateQuery, collectionWorkflowId, collectionWorkflowType, paymentReceivedSignal } from '../workflows/definitions.js';

const config = loadConfig();
const prisma = createPrismaClient(config.DATABASE_URL);
const connection = await Connection.connect(temporalConnectionSettings(config));
const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });

try {
  const suffix = randomUUID().slice(0, 8);
  const customer = await prisma.customer.create({
    data: { source: 'demo', externalId: `CUST-${suffix}`, name: 'Demo Wholesale Ltd', billingEmail: 'ap@demo-wholesale.example', timezone: 'Europe/London', locale: 'en-GB' },
  });
  const invoice = await prisma.invoice.create({
    data: {
      source: 'demo', externalId: `INV-${suffix}`, number: `DEMO-${suffix}`, customerId: customer.id,
      issueDate: new Date('2026-10-01'), dueDate: new Date('2026-10-31'), amountMinor: 480_000n, balanceMinor: 480_000n, currency: 'GBP',
      workflowId: null,
    },
  });
  const workflowId = collectionWorkflowId(invoice.id);
  await prisma.invoice.update({ where: { id: invoice.id }, data: { workflowId } });
  const handle = await client.workflow.start(collectionWorkflowType, {
    workflowId,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ invoiceId: invoice.id, invoiceNumber: invoice.number, customerId: customer.id, balanceMinor: 480_000, currency: 'GBP', dueDate: '2026-10-31' }],
    staticSummary: `Collect invoice ${invoice.number} from ${customer.name}`,
  });
  console.log(`started ${workflowId} on task queue ${config.TEMPORAL_TASK_QUEUE}`);

  await handle.signal(paymentReceivedSignal, {
    paymentId: `PAY-${suffix}`, amountMinor: 80_000, currency: 'GBP', method: 'bank_transfer', receivedAt: new Date().toISOString(), actor: 'demo-script',
  });
  let state = await handle.query(caseStateQuery);
  for (let tries = 0; state.balanceMinor === 480_000 && tries < 50; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    state = await handle.query(caseStateQuery);
  }
  console.log('case state (query):', state);
  const events = await prisma.collectionEvent.findMany({ where: { invoiceId: invoice.id }, orderBy: { recordedAt: 'asc' } });
  console.log('audit log (PostgreSQL):');
  for (const event of events) console.log(`  ${event.recordedAt.toISOString()}  ${event.category}/${event.kind}  by ${event.actor}`);
  if (events.length < 2) {
    console.error('expected the case_opened and payment_applied events: is the worker running (npm run dev)?');
    process.exitCode = 1;
  }
} finally {
  await connection.close();
  await prisma.$disconnect();
}

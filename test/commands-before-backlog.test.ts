import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LegalPartner } from '../activities/providers/legal-partner.js';
import type { MessageSender, Senders } from '../activities/providers/types.js';
import type { collectionWorkflow } from '../workflows/collection-workflow.js';
import { collectionWorkflowId, collectionWorkflowType, recordPaymentUpdate } from '../workflows/definitions.js';
import { eventually } from './support/eventually.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from './support/fixtures.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

/**
 * Commands before backlog: with every email delivery slot held by slow sends and legal hand-offs
 * stuck at the partner (local activities in the workflow worker since `audit-with-the-action`, so
 * all of them start, none waits for a slot), a payment still closes its case and its row is written.
 * Both providers are held shut by gates, so "while the backlog is blocked" is a fact, not a timing.
 */
const slots = 2;
const gate = { open: new Promise<void>(() => {}), release: () => {} };
gate.open = new Promise<void>((resolve) => (gate.release = resolve));
const started = { handoffs: 0, emails: 0 };
const finished = { handoffs: 0, emails: 0 };

function gatedEmail(sinks: Senders): Senders {
  const email: MessageSender = {
    provider: sinks.email.provider,
    async send(message) {
      started.emails++;
      await gate.open;
      const receipt = await sinks.email.send(message);
      finished.emails++;
      return receipt;
    },
  };
  return { ...sinks, email };
}

function gatedLegal(partner: LegalPartner): LegalPartner {
  return {
    name: partner.name,
    async send(packet, idempotencyKey) {
      started.handoffs++;
      await gate.open;
      const answer = await partner.send(packet, idempotencyKey);
      finished.handoffs++;
      return answer;
    },
    notifyPayment: (notice, idempotencyKey) => partner.notifyPayment(notice, idempotencyKey),
  };
}

let harness: WorkerHarness;
let stopWorker: () => Promise<void>;
beforeAll(async () => {
  harness = await createWorkerHarness({ wrapSinks: gatedEmail, wrapLegalPartner: gatedLegal, limits: { maxConcurrentActivities: slots, maxConcurrentDeliveries: slots } });
  stopWorker = await harness.startWorker();
});
afterAll(async () => {
  gate.release();
  await stopWorker?.();
  await harness?.close();
});

async function startCase(policy: ReturnType<typeof secondScalePolicy>) {
  const made = await createOverdueInvoice(harness.prisma, { amountMinor: 100_000n });
  const handle = await harness.client.workflow.start<typeof collectionWorkflow>(collectionWorkflowType, { workflowId: collectionWorkflowId(made.invoice.id), taskQueue: harness.taskQueue, args: [caseInput(made, policy)] });
  return { made, handle };
}

describe('a payment while hand-offs hang and the backlog holds every delivery slot', () => {
  it('closes its case and writes its payment row while the hand-offs and sends ahead of it are still blocked', async () => {
    const sleeping = secondScalePolicy({ steps: [{ id: 'reminder', offset: 'P30D', actions: [{ type: 'email', template: 'overdue_notice' }] }] });
    const target = await startCase(sleeping);
    await eventually(() => harness.prisma.collectionEvent.count({ where: { invoiceId: target.made.invoice.id, kind: 'case_opened' } }), (count) => count === 1);

    // Sends first: their requests to the correspondence pass through the case queue, which the hand-offs then fill.
    const backlogSize = slots + 1;
    await Promise.all(Array.from({ length: backlogSize }, () => startCase(secondScalePolicy({ steps: [{ id: 'reminder', offset: 'PT1S', actions: [{ type: 'email', template: 'overdue_notice' }] }] }))));
    expect(await eventually(async () => started.emails, (emails) => emails === slots, 15_000)).toBe(slots);
    const handingOff = await Promise.all(Array.from({ length: backlogSize }, () => startCase(secondScalePolicy({ steps: [{ id: 'legal', offset: 'PT1S', actions: [{ type: 'legal_handoff' }] }] }))));
    expect(await eventually(async () => started.handoffs, (handoffs) => handoffs === backlogSize, 15_000)).toBe(backlogSize);

    const view = await target.handle.executeUpdate(recordPaymentUpdate, { args: [{ paymentId: 'pay-before-backlog', amountMinor: 100_000, currency: 'EUR', method: 'bank_transfer', receivedAt: new Date().toISOString(), actor: 'bank-feed' }] });
    expect(view).toMatchObject({ paid: true, balanceMinor: 0 });
    const invoice = await eventually(() => harness.prisma.invoice.findUniqueOrThrow({ where: { id: target.made.invoice.id }, include: { payments: true } }), (row) => row.status === 'paid', 15_000);
    expect(invoice.status).toBe('paid');
    expect(invoice.payments.map((p) => p.externalPaymentId)).toEqual(['pay-before-backlog']);
    // The positive signal: the write went through while nothing of the backlog could finish.
    expect(finished).toEqual({ handoffs: 0, emails: 0 });
    expect(started).toEqual({ handoffs: backlogSize, emails: slots });

    gate.release();
    expect(await eventually(() => harness.prisma.legalHandoff.count({ where: { invoiceId: { in: handingOff.map((c) => c.made.invoice.id) } } }), (count) => count === backlogSize, 30_000)).toBe(backlogSize);
  });
});

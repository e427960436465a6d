// Timing one payment from the moment it is sent: its answer, the case saying closed, and the
// invoice row being `paid`. Shared by the payment and backlog benches.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../../prisma/client.js';
import { caseStateQuery, collectionWorkflowId } from '../../workflows/definitions.js';

export interface PaymentTimings {
  readonly answer: number;
  readonly closed: number;
  readonly paid: number;
  /** The row was not paid within the wait given: `paid` is that wait, a lower bound. */
  readonly gaveUp: boolean;
}

/** Polls until `check` says yes; false once `timeoutMs` has passed. */
export async function pollUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

/** A full payment of `amountMinor` with a new payment id. */
export function paymentBody(currency: string, amountMinor: number) {
  return { paymentId: `pi_${randomUUID()}`, amountMinor, currency, method: 'bank_transfer' };
}

/** Whether our case says closed (its state query). */
export const caseSaysClosed = (client: Client, invoiceId: string) => async () => (await client.workflow.getHandle(collectionWorkflowId(invoiceId)).query(caseStateQuery)).closed !== null;

/**
 * Sends one payment by `send`, then times (ms from sending) its answer, `isClosed` saying yes and
 * the invoice row being paid. A row not paid within `rowWaitMs` is recorded as that wait
 * (`gaveUp`); a case not closed within two minutes is an error.
 */
export async function timePayment(prisma: PrismaClient, invoiceId: string, send: () => Promise<void>, isClosed: () => Promise<boolean>, rowWaitMs = 120_000): Promise<PaymentTimings> {
  const started = performance.now();
  await send();
  const answer = performance.now() - started;
  const rowPaid = async () => (await prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { status: true } })).status === 'paid';
  const [closed, paid] = await Promise.all([
    pollUntil(isClosed, 120_000).then((reached) => {
      if (!reached) throw new Error(`case ${invoiceId} did not say closed within 120 s`);
      return performance.now() - started;
    }),
    pollUntil(rowPaid, rowWaitMs).then((reached) => ({ reached, at: performance.now() - started })),
  ]);
  if (!paid.reached && rowWaitMs >= 120_000) throw new Error(`invoice ${invoiceId} was not paid within ${rowWaitMs / 1000} s`);
  return { answer, closed, paid: paid.reached ? paid.at : rowWaitMs, gaveUp: !paid.reached };
}

/** One figure's samples: the `key` time of every payment. */
export const timesOf = (list: readonly PaymentTimings[], key: 'answer' | 'closed' | 'paid') => list.map((t) => t[key]);

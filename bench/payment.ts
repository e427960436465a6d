// A payment through the API beside the raw update (executeUpdate of the same update with the same
// argument) on cases of the same kind, one payment at a time, interleaved (API, raw, API, raw…).
// Three times each, from the moment the payment is sent: its answer, the case's query saying
// closed, and the invoice row being paid (written by the worker's command activity).
import { randomUUID } from 'node:crypto';
import type { BenchRun } from './support/bench.js';
import { figure } from './support/results.js';
import { inParallel, invoiceBody } from './support/invoices.js';
import { startStack, type Stack } from './support/stack.js';
import { caseStateQuery, collectionWorkflowId, recordPaymentUpdate } from '../workflows/definitions.js';

interface Timings {
  answer: number;
  closed: number;
  paid: number;
}

async function pollUntil(check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Sends one payment by `send`, then times the answer, the query saying closed and the row paid. */
async function timePayment(stack: Stack, invoiceId: string, send: () => Promise<void>): Promise<Timings> {
  const handle = stack.client.workflow.getHandle(collectionWorkflowId(invoiceId));
  const started = performance.now();
  await send();
  const answer = performance.now() - started;
  const [closed, paid] = await Promise.all([
    pollUntil(async () => (await handle.query(caseStateQuery)).closed !== null).then(() => performance.now() - started),
    pollUntil(async () => (await stack.prisma.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { status: true } })).status === 'paid').then(() => performance.now() - started),
  ]);
  return { answer, closed, paid };
}

export const run: BenchRun = async (options) => {
  const cases = options.number('cases', 20);
  const stack = await startStack({ worker: true });
  try {
    const bodies = Array.from({ length: 2 * cases + 2 }, () => invoiceBody());
    const ids: string[] = [];
    await inParallel(bodies, 8, async (body) => {
      const { status, body: answer } = await stack.api('POST', '/v1/invoices', body);
      if (status !== 201) throw new Error(`create answered ${status}`);
      ids.push((answer as { invoiceId: string }).invoiceId);
    });
    // Every case has run its opening task (and is sleeping) before the first payment.
    await pollUntil(async () => (await stack.prisma.collectionEvent.count({ where: { kind: 'case_opened', invoiceId: { in: ids } } })) >= ids.length, 300_000);
    const payment = () => ({ paymentId: `pi_${randomUUID()}`, amountMinor: 125_000, currency: 'GBP', method: 'bank_transfer' });
    const throughApi = (invoiceId: string) =>
      timePayment(stack, invoiceId, async () => {
        const { status } = await stack.api('POST', `/v1/cases/${invoiceId}/payments`, payment());
        if (status !== 200) throw new Error(`payment answered ${status}`);
      });
    const raw = (invoiceId: string) =>
      timePayment(stack, invoiceId, async () => {
        // What the route sends: the body, receivedAt defaulted to now, the caller as actor.
        await stack.client.workflow.getHandle(collectionWorkflowId(invoiceId)).executeUpdate(recordPaymentUpdate, { args: [{ ...payment(), receivedAt: new Date().toISOString(), actor: 'bench' }] });
      });
    // Warm-up of both paths on the two spare cases, not counted.
    await throughApi(ids[0]!);
    await raw(ids[1]!);
    const ours: Timings[] = [];
    const reference: Timings[] = [];
    for (let i = 0; i < cases; i++) {
      ours.push(await throughApi(ids[2 + 2 * i]!));
      reference.push(await raw(ids[3 + 2 * i]!));
    }
    const pick = (list: Timings[], key: keyof Timings) => list.map((t) => t[key]);
    return {
      options: { cases },
      figures: [
        figure('payment: answer', 'ms', false, pick(ours, 'answer'), pick(reference, 'answer')),
        figure('payment: query says closed', 'ms', false, pick(ours, 'closed'), pick(reference, 'closed')),
        figure('payment: invoice row paid', 'ms', false, pick(ours, 'paid'), pick(reference, 'paid')),
      ],
      notes: [`${cases} payments per side, one at a time, each on a sleeping case of its own (first step weeks away); the worker runs in the bench process, the API in its own.`],
    };
  } finally {
    await stack.stop();
  }
};

// A payment through the API beside the raw update (executeUpdate of the same update with the same
// argument) on cases of the same kind, one payment at a time, interleaved (API, raw, API, raw…).
// Three times each, from the moment the payment is sent: its answer, the case's query saying
// closed, and the invoice row being paid (written by the worker's command activity).
import type { BenchRun } from './support/bench.js';
import { figure } from './support/results.js';
import { inParallel, invoiceBody } from './support/invoices.js';
import { caseSaysClosed, paymentBody, type PaymentTimings, pollUntil, timePayment, timesOf } from './support/payments.js';
import { startStack } from './support/stack.js';
import { collectionWorkflowId, recordPaymentUpdate } from '../workflows/definitions.js';

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
    if (!(await pollUntil(async () => (await stack.prisma.collectionEvent.count({ where: { kind: 'case_opened', invoiceId: { in: ids } } })) >= ids.length, 300_000))) throw new Error('the cases did not all open within 300 s');
    const payment = () => paymentBody('GBP', 125_000);
    const throughApi = (invoiceId: string) =>
      timePayment(stack.prisma, invoiceId, async () => {
        const { status } = await stack.api('POST', `/v1/cases/${invoiceId}/payments`, payment());
        if (status !== 200) throw new Error(`payment answered ${status}`);
      }, caseSaysClosed(stack.client, invoiceId));
    const raw = (invoiceId: string) =>
      timePayment(stack.prisma, invoiceId, async () => {
        // What the route sends: the body, receivedAt defaulted to now, the caller as actor.
        await stack.client.workflow.getHandle(collectionWorkflowId(invoiceId)).executeUpdate(recordPaymentUpdate, { args: [{ ...payment(), receivedAt: new Date().toISOString(), actor: 'bench' }] });
      }, caseSaysClosed(stack.client, invoiceId));
    // Warm-up of both paths on the two spare cases, not counted.
    await throughApi(ids[0]!);
    await raw(ids[1]!);
    const ours: PaymentTimings[] = [];
    const reference: PaymentTimings[] = [];
    for (let i = 0; i < cases; i++) {
      ours.push(await throughApi(ids[2 + 2 * i]!));
      reference.push(await raw(ids[3 + 2 * i]!));
    }
    return {
      options: { cases },
      figures: [
        figure('payment: answer', 'ms', false, timesOf(ours, 'answer'), timesOf(reference, 'answer')),
        figure('payment: query says closed', 'ms', false, timesOf(ours, 'closed'), timesOf(reference, 'closed')),
        figure('payment: invoice row paid', 'ms', false, timesOf(ours, 'paid'), timesOf(reference, 'paid')),
      ],
      notes: [`${cases} payments per side, one at a time, each on a sleeping case of its own (first step weeks away); the worker runs in the bench process, the API in its own.`],
    };
  } finally {
    await stack.stop();
  }
};

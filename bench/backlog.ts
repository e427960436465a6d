// Commands before backlog (issue 11 item 5): a bulk import of --sends old invoices whose email is
// due at once, sent through the real SendGrid adapter to the SendGrid stand-in answering slowly and
// now and then 429; while those sends are queued, payments through the API to other open cases.
// Each payment is timed from sending: its answer, the case's query saying closed, the invoice row
// `paid`. Interleaved with it, in the same run: the same payment to a case of a second deployment
// (its own task queues, same server, database, API and process) that has no backlog, and the
// raw-Temporal reference of a shared queue: a raw update whose row is written by an activity on
// one queue whose slots as many slow raw sends hold.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import { Worker } from '@temporalio/worker';
import { LocalSinkLegalPartner } from '../activities/providers/legal-partner.js';
import { localSinks } from '../activities/providers/local-sink.js';
import { isoDay } from '../test/support/clock.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from '../test/support/fixtures.js';
import { startProviderServers } from '../test/support/provider-servers.js';
import { realSenders, shrunkSendGridTiming } from '../test/support/real-providers.js';
import { createCollectionWorker, defaultWorkerLimits } from '../worker/create-worker.js';
import { collectionWorkflowId, collectionWorkflowType } from '../workflows/definitions.js';
import type { BenchRun } from './support/bench.js';
import { bulkImport, inParallel, invoiceBody } from './support/invoices.js';
import { caseSaysClosed, paymentBody, type PaymentTimings, pollUntil, timePayment, timesOf } from './support/payments.js';
import { figure } from './support/results.js';
import { startStack, type Stack } from './support/stack.js';
import { rawClosedQuery, rawPayUpdate, type RawBacklogActivities } from './raw-backlog-workflows.js';

const BAR_MS = 2_000;
const sleepingPolicy = secondScalePolicy({ steps: [{ id: 'reminder', offset: 'P30D', actions: [{ type: 'email', template: 'overdue_notice' }] }] });

/** Open cases of their own customers on `taskQueue`, each asleep until a step a month away; answers their invoice ids once all have opened. */
async function sleepingCases(stack: Stack, taskQueue: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  await inParallel(Array.from({ length: count }), 8, async () => {
    const made = await createOverdueInvoice(stack.prisma);
    await stack.client.workflow.start(collectionWorkflowType, { workflowId: collectionWorkflowId(made.invoice.id), taskQueue, args: [caseInput(made, sleepingPolicy)] });
    ids.push(made.invoice.id);
  });
  const opened = () => stack.prisma.collectionEvent.count({ where: { kind: 'case_opened', invoiceId: { in: ids } } });
  if (!(await pollUntil(async () => (await opened()) >= count, 300_000))) throw new Error(`only ${await opened()} of ${count} cases opened within 300 s`);
  return ids;
}

/** A stored policy whose one email is due at once for an invoice due ten days ago, sent without a consolidation wait. */
async function catchUpPolicy(stack: Stack): Promise<{ name: string; version: number }> {
  const policy = {
    ...secondScalePolicy({ steps: [{ id: 'catch-up', offset: 'PT1S', actions: [{ type: 'email', template: 'overdue_notice' }] }, { id: 'later', offset: 'P30D', actions: [{ type: 'email' }] }], consolidation: { window: 'PT0S' } }),
    name: `backlog-${randomUUID().slice(0, 8)}`,
    version: 1,
  };
  const stored = await stack.api('POST', '/v1/policies', { policy });
  if (stored.status !== 201) throw new Error(`storing the policy answered ${stored.status}: ${JSON.stringify(stored.body)}`);
  return { name: policy.name, version: policy.version };
}

export const run: BenchRun = async (options) => {
  const sends = options.number('sends', 2_000);
  const payments = options.number('payments', 10);
  const rawPayments = options.number('raw-payments', 3);
  const answerAfterMs = options.number('send-ms', 10_000);
  const refuseEvery = options.number('refuse-every', 3);
  const refuseStatus = options.number('refuse-status', 429);
  const rawWaitMs = options.number('raw-wait', 30) * 1_000;
  const slots = defaultWorkerLimits.maxConcurrentDeliveries;

  const servers = await startProviderServers();
  servers.strainSendGrid({ answerAfterMs, refuseEvery, refuseStatus });
  const stack = await startStack({ worker: true, wrapSinks: (sinks) => ({ ...sinks, email: realSenders(servers.baseUrl, { sendgrid: shrunkSendGridTiming }).email }) });
  const quietQueue = `${stack.taskQueue}-quiet`;
  const quiet = await createCollectionWorker({ connection: stack.nativeConnection, namespace: stack.namespace, taskQueue: quietQueue, prisma: stack.prisma, senders: localSinks(stack.sinkDir), legalPartner: new LocalSinkLegalPartner(stack.sinkDir), dataConverter: stack.dataConverter });
  const rawQueue = `${stack.taskQueue}-raw`;
  let rawSendsDone = 0;
  let rawSendCalls = 0;
  const rawActivities: RawBacklogActivities = {
    async slowSend() {
      rawSendCalls += 1;
      const refused = refuseEvery > 0 && rawSendCalls % refuseEvery === 0;
      await Context.current().sleep(answerAfterMs);
      if (refused) throw new Error(`the provider answered ${refuseStatus}`);
      rawSendsDone += 1;
    },
    async markPaid(invoiceId) {
      await stack.prisma.invoice.update({ where: { id: invoiceId }, data: { status: 'paid', balanceMinor: 0n } });
    },
  };
  // One queue for the raw cases' workflow tasks, their writes and the slow sends, with as many activity slots as our email queue.
  const rawWorker = await Worker.create({ connection: stack.nativeConnection, namespace: stack.namespace, taskQueue: rawQueue, workflowsPath: fileURLToPath(new URL('./raw-backlog-workflows.ts', import.meta.url)), activities: rawActivities, dataConverter: stack.dataConverter, maxConcurrentActivityTaskExecutions: slots });
  const running = Promise.all([quiet.run(), rawWorker.run()]);
  const notes: string[] = [];
  try {
    const [backlogged, calm] = [await sleepingCases(stack, stack.taskQueue, payments + 1), await sleepingCases(stack, quietQueue, payments + 1)];
    const rawIds = await Promise.all(Array.from({ length: rawPayments + 1 }, async () => {
      const made = await createOverdueInvoice(stack.prisma);
      await stack.client.workflow.start('rawCaseWorkflow', { workflowId: `raw-case-${made.invoice.id}`, taskQueue: rawQueue, args: [made.invoice.id] });
      return made.invoice.id;
    }));

    const throughApi = (invoiceId: string) =>
      timePayment(stack.prisma, invoiceId, async () => {
        const { status } = await stack.api('POST', `/v1/cases/${invoiceId}/payments`, paymentBody('EUR', 125_000));
        if (status !== 200) throw new Error(`payment answered ${status}`);
      }, caseSaysClosed(stack.client, invoiceId));
    const raw = (invoiceId: string) => {
      const handle = stack.client.workflow.getHandle(`raw-case-${invoiceId}`);
      return timePayment(stack.prisma, invoiceId, async () => void (await handle.executeUpdate(rawPayUpdate)), () => handle.query(rawClosedQuery), rawWaitMs);
    };
    // Warm-up of every path before the backlog, not counted.
    await throughApi(backlogged[0]!);
    await throughApi(calm[0]!);
    await raw(rawIds[0]!);

    const policy = await catchUpPolicy(stack);
    const importStarted = performance.now();
    const rawSenders = Array.from({ length: Math.ceil(sends / 500) }, (_, i) =>
      stack.client.workflow.start('rawSendsWorkflow', { workflowId: `raw-sends-${i}-${randomUUID()}`, taskQueue: rawQueue, args: [Math.min(500, sends - i * 500)] }),
    );
    await Promise.all([bulkImport(stack, Array.from({ length: sends }, () => invoiceBody({ dueDate: isoDay(-10), issueDate: isoDay(-40), policy }))), ...rawSenders]);
    const importSeconds = (performance.now() - importStarted) / 1_000;
    const sent = () => servers.accepted.filter((a) => a.provider === 'sendgrid').length;
    console.log(`bulk import of ${sends} took ${importSeconds.toFixed(0)} s; SendGrid has taken ${sent()}, the raw queue finished ${rawSendsDone} sends`);

    const withBacklog: PaymentTimings[] = [];
    const without: PaymentTimings[] = [];
    const reference: PaymentTimings[] = [];
    const outstanding: number[] = [];
    const rawOutstanding: number[] = [];
    for (let i = 1; i <= payments; i++) {
      outstanding.push(sends - sent());
      withBacklog.push(await throughApi(backlogged[i]!));
      without.push(await throughApi(calm[i]!));
      if (i <= rawPayments) {
        rawOutstanding.push(sends - rawSendsDone);
        reference.push(await raw(rawIds[i]!));
      }
      const last = (list: PaymentTimings[]) => list.at(-1)!;
      console.log(`payment ${i}: ${outstanding.at(-1)} sends outstanding; closed/paid after ${last(withBacklog).closed.toFixed(0)}/${last(withBacklog).paid.toFixed(0)} ms, no backlog ${last(without).closed.toFixed(0)}/${last(without).paid.toFixed(0)} ms${i <= rawPayments ? `, raw shared queue ${last(reference).closed.toFixed(0)}/${last(reference).gaveUp ? `> ${rawWaitMs}` : last(reference).paid.toFixed(0)} ms` : ''}`);
    }

    const held = withBacklog.filter((t) => t.closed < BAR_MS && t.paid < BAR_MS).length;
    const worst = Math.max(...withBacklog.map((t) => Math.max(t.closed, t.paid)));
    const verdict = `bar (< ${BAR_MS} ms from sending to case closed and row paid, with the backlog queued): ${held === payments ? 'HELD' : 'NOT MET'} for ${held} of ${payments} payments (slowest ${worst.toFixed(0)} ms)`;
    console.log(verdict);
    notes.push(
      verdict,
      `backlog: bulk import of ${sends} invoices due 10 days ago (catch-up: their email due at once) took ${importSeconds.toFixed(0)} s; SendGrid stand-in answering each Mail Send after ${answerAfterMs} ms${refuseEvery ? `, every ${refuseEvery}th with ${refuseStatus}` : ''}; ${slots} email delivery slots`,
      `sends outstanding (not yet taken by SendGrid) when each payment was sent: ${Math.min(...outstanding)}–${Math.max(...outstanding)} of ${sends}; raw queue: ${rawOutstanding.length ? `${Math.min(...rawOutstanding)}–${Math.max(...rawOutstanding)}` : 'not measured'}`,
      `"no backlog": a second deployment (task queue ${quietQueue.slice(-6)}…-quiet and its commands and delivery queues) in the same worker process, same server, database and API, no sends queued`,
      `raw reference: ${reference.filter((t) => t.gaveUp).length} of ${reference.length} rows not written within ${rawWaitMs / 1_000} s (recorded as ${rawWaitMs} ms, a lower bound)`,
    );
    const backlogSides = ['backlog', 'no backlog'] as const;
    const rawSides = ['backlog', 'raw one queue'] as const;
    return {
      options: { sends, payments, rawPayments, answerAfterMs, refuseEvery, refuseStatus, rawWaitMs },
      figures: [
        figure('payment with the backlog queued: answer', 'ms', false, timesOf(withBacklog, 'answer'), timesOf(without, 'answer'), backlogSides),
        figure('payment with the backlog queued: query says closed', 'ms', false, timesOf(withBacklog, 'closed'), timesOf(without, 'closed'), backlogSides),
        figure('payment with the backlog queued: invoice row paid', 'ms', false, timesOf(withBacklog, 'paid'), timesOf(without, 'paid'), backlogSides),
        figure('vs raw, one shared queue saturated: answer', 'ms', false, timesOf(withBacklog, 'answer'), timesOf(reference, 'answer'), rawSides),
        figure('vs raw, one shared queue saturated: query says closed', 'ms', false, timesOf(withBacklog, 'closed'), timesOf(reference, 'closed'), rawSides),
        figure('vs raw, one shared queue saturated: invoice row paid', 'ms', false, timesOf(withBacklog, 'paid'), timesOf(reference, 'paid'), rawSides),
      ],
      notes,
    };
  } finally {
    quiet.shutdown();
    rawWorker.shutdown();
    await running.catch(() => undefined);
    await stack.stop();
    await servers.close();
  }
};

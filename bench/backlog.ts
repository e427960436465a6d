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
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { LocalSinkLegalPartner } from '../activities/providers/legal-partner.js';
import { localSinks } from '../activities/providers/local-sink.js';
import { isoDay } from '../test/support/clock.js';
import { caseInput, createOverdueInvoice, secondScalePolicy } from '../test/support/fixtures.js';
import { startProviderServers } from '../test/support/provider-servers.js';
import { realSenders, shrunkSendGridTiming } from '../test/support/real-providers.js';
import { createCollectionWorker, defaultWorkerLimits } from '../worker/create-worker.js';
import { collectionWorkflowId, collectionWorkflowType, deliveryTaskQueue } from '../workflows/definitions.js';
import type { BenchRun } from './support/bench.js';
import { bulkImport, inParallel, invoiceBody } from './support/invoices.js';
import { caseSaysClosed, paymentBody, type PaymentTimings, pollUntil, timePayment, timesOf } from './support/payments.js';
import { figure } from './support/results.js';
import { startStack, type Stack } from './support/stack.js';
import { rawClosedQuery, rawPayUpdate, type RawBacklogActivities } from './raw-backlog-workflows.js';
import { BULK_IMPORT_PRIORITY_KEY } from '../api/services/bulk-import.js';

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

/** The tasks waiting in `taskQueue` for a free slot (the server's approximate backlog count). */
async function queuedTasks(stack: Stack, taskQueue: string, type: 'activity' | 'workflow' = 'activity'): Promise<number> {
  const { TaskQueueType } = proto.temporal.api.enums.v1;
  const taskQueueType = type === 'activity' ? TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY : TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW;
  const { stats } = await stack.client.connection.workflowService.describeTaskQueue({ namespace: stack.namespace, taskQueue: { name: taskQueue }, taskQueueType, reportStats: true });
  return Number(stats?.approximateBacklogCount ?? 0);
}

/**
 * Waits until the catch-up's sends have all reached the email queue: queued there, or started at
 * least once (an outbox row: running, taken, or waiting to be retried). Prints progress.
 */
async function untilAllQueued(read: () => Promise<{ queued: number; started: number; taken: number }>, sends: number, timeoutMs: number): Promise<{ queued: number; started: number; taken: number }> {
  const deadline = Date.now() + timeoutMs;
  let printed = 0;
  for (;;) {
    const now = await read();
    if (now.queued + now.started >= sends || Date.now() > deadline) return now;
    if (Date.now() - printed > 15_000) {
      console.log(`  waiting: ${now.queued} queued, ${now.started} started, ${now.taken} taken by SendGrid`);
      printed = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/** A stored policy whose one email is due at once for an invoice due ten days ago, sent without a consolidation wait. */
async function catchUpPolicy(stack: Stack): Promise<{ name: string; version: number }> {
  const policy = {
    ...secondScalePolicy({ steps: [{ id: 'catch_up', offset: 'PT1S', actions: [{ type: 'email', template: 'overdue_notice' }] }, { id: 'later', offset: 'P30D', actions: [{ type: 'email' }] }], consolidation: { window: 'PT0S' } }),
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
  const answerAfterMs = options.number('send-ms', 30_000);
  const refuseEvery = options.number('refuse-every', 3);
  const refuseStatus = options.number('refuse-status', 429);
  const rawWaitMs = options.number('raw-wait', 30) * 1_000;
  const maxWaitMs = options.number('max-wait', 900) * 1_000;
  const slots = defaultWorkerLimits.maxConcurrentDeliveries;

  const servers = await startProviderServers();
  servers.strainSendGrid({ answerAfterMs, refuseEvery, refuseStatus });
  // A smaller API pool than the default 20: the machine's PostgreSQL (100 connections) is shared with other runs.
  // Without the new matcher the server ignores task priority: the bulk import's cases then queue level with everyone's.
  const priorityOff = options.flag('priority-off');
  const stack = await startStack({ worker: true, apiEnv: { DATABASE_POOL_SIZE: '10' }, ...(priorityOff ? { temporalDynamicConfig: { 'matching.useNewMatcher': false } } : {}), wrapSinks: (sinks) => ({ ...sinks, email: realSenders(servers.baseUrl, { sendgrid: shrunkSendGridTiming }).email }) });
  const quietQueue = `${stack.taskQueue}-quiet`;
  const quiet = await createCollectionWorker({ connection: stack.nativeConnection, namespace: stack.namespace, taskQueue: quietQueue, prisma: stack.prisma, senders: localSinks(stack.sinkDir), legalPartner: new LocalSinkLegalPartner(stack.sinkDir), dataConverter: stack.dataConverter });
  const rawQueue = `${stack.taskQueue}-raw`;
  let rawSendCalls = 0;
  const rawActivities: RawBacklogActivities = {
    async slowSend() {
      rawSendCalls += 1;
      const refused = refuseEvery > 0 && rawSendCalls % refuseEvery === 0;
      await Context.current().sleep(answerAfterMs);
      if (refused) throw new Error(`the provider answered ${refuseStatus}`);
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
    // Per side one warm-up case and one per payment of each phase.
    const [backlogged, calm] = [await sleepingCases(stack, stack.taskQueue, 2 * payments + 1), await sleepingCases(stack, quietQueue, 2 * payments + 1)];
    const rawIds = await Promise.all(Array.from({ length: 2 * rawPayments + 1 }, async () => {
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
    await throughApi(backlogged.pop()!);
    await throughApi(calm.pop()!);
    await raw(rawIds.pop()!);

    const emailQueue = deliveryTaskQueue(stack.taskQueue, 'email');
    const sent = () => servers.accepted.filter((a) => a.provider === 'sendgrid').length;
    const progress = async () => ({ queued: await queuedTasks(stack, emailQueue), started: await stack.prisma.outboxMessage.count(), taken: sent() });

    /** `payments` rounds (backlog, no backlog, raw for the first `rawPayments`), each noting what was queued when it was sent. */
    async function phase(name: string) {
      const result = { withBacklog: [] as PaymentTimings[], without: [] as PaymentTimings[], reference: [] as PaymentTimings[], sendsQueued: [] as number[], notTaken: [] as number[], caseTasksQueued: [] as number[], rawQueued: [] as number[] };
      for (let i = 0; i < payments; i++) {
        // A round that fails (the shared PostgreSQL out of connections, say) is noted, not fatal: the other rounds still count.
        try {
          await round(i);
        } catch (error) {
          const message = `${name} ${i + 1} failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
          console.log(message);
          notes.push(message);
        }
      }
      return result;

      async function round(i: number) {
        const now = await progress();
        result.sendsQueued.push(now.queued);
        result.notTaken.push(sends - now.taken);
        result.caseTasksQueued.push(await queuedTasks(stack, stack.taskQueue, 'workflow'));
        result.withBacklog.push(await throughApi(backlogged.pop()!));
        result.without.push(await throughApi(calm.pop()!));
        if (i < rawPayments) {
          result.rawQueued.push(await queuedTasks(stack, rawQueue));
          result.reference.push(await raw(rawIds.pop()!));
        }
        const [b, q, r] = [result.withBacklog.at(-1)!, result.without.at(-1)!, i < rawPayments ? result.reference.at(-1) : undefined];
        console.log(`${name} ${i + 1}: ${now.queued} sends queued, ${result.caseTasksQueued.at(-1)} case workflow tasks queued, ${sends - now.taken} not taken; closed/paid ${b.closed.toFixed(0)}/${b.paid.toFixed(0)} ms, no backlog ${q.closed.toFixed(0)}/${q.paid.toFixed(0)} ms${r ? `, raw shared queue ${r.closed.toFixed(0)}/${r.gaveUp ? `> ${rawWaitMs}` : r.paid.toFixed(0)} ms` : ''}`);
      }
    }

    const policy = await catchUpPolicy(stack);
    const importStarted = performance.now();
    const rawSenders = Array.from({ length: Math.ceil(sends / 500) }, (_, i) =>
      stack.client.workflow.start('rawSendsWorkflow', { workflowId: `raw-sends-${i}-${randomUUID()}`, taskQueue: rawQueue, args: [Math.min(500, sends - i * 500)] }),
    );
    await Promise.all([bulkImport(stack, Array.from({ length: sends }, () => invoiceBody({ dueDate: isoDay(-10), issueDate: isoDay(-40), policy })), { resendFailed: true }), ...rawSenders]);
    const importSeconds = (performance.now() - importStarted) / 1_000;
    console.log(`bulk import of ${sends} took ${importSeconds.toFixed(0)} s; SendGrid has taken ${sent()}`);
    const catchingUp = await phase('catch-up running');
    const reached = await untilAllQueued(progress, sends, maxWaitMs);
    const waitedSeconds = (performance.now() - importStarted) / 1_000 - importSeconds;
    const allReached = reached.queued + reached.started >= sends;
    console.log(`${waitedSeconds.toFixed(0)} s after the import: ${reached.queued} sends queued, ${reached.started} started, ${reached.taken} taken by SendGrid${allReached ? '' : ' (not all had reached the email queue: measuring anyway)'}`);
    const queuedPhase = await phase('sends queued');

    const both = { withBacklog: [...catchingUp.withBacklog, ...queuedPhase.withBacklog], reference: [...catchingUp.reference, ...queuedPhase.reference] };
    const underBar = (list: PaymentTimings[]) => list.filter((t) => t.closed < BAR_MS && t.paid < BAR_MS).length;
    const slowest = (list: PaymentTimings[]) => Math.max(...list.map((t) => Math.max(t.closed, t.paid))).toFixed(0);
    const held = underBar(both.withBacklog) === both.withBacklog.length;
    const verdict = `bar (< ${BAR_MS} ms from sending to case closed and row paid, with the backlog queued): ${held ? 'HELD' : 'NOT MET'}; under it: ${underBar(catchingUp.withBacklog)} of ${catchingUp.withBacklog.length} while the catch-up ran (slowest ${slowest(catchingUp.withBacklog)} ms), ${underBar(queuedPhase.withBacklog)} of ${queuedPhase.withBacklog.length} once the sends were queued (slowest ${slowest(queuedPhase.withBacklog)} ms)`;
    console.log(verdict);
    const range = (values: number[]) => (values.length ? `${Math.min(...values)}–${Math.max(...values)}` : 'not measured');
    const describe = (name: string, p: typeof catchingUp) => `${name}: ${range(p.sendsQueued)} sends queued in the email queue (server's approximate backlog), ${range(p.caseTasksQueued)} workflow tasks queued in the case queue, ${range(p.notTaken)} of ${sends} not yet taken by SendGrid; raw queue ${range(p.rawQueued)} queued`;
    notes.push(
      verdict,
      `backlog: bulk import of ${sends} invoices due 10 days ago (catch-up: their email due at once) in ${importSeconds.toFixed(0)} s; every send reached the email queue ${allReached ? `${waitedSeconds.toFixed(0)} s later` : `NOT within ${maxWaitMs / 1_000} s (${reached.queued} queued, ${reached.started} started)`}; SendGrid stand-in answering each Mail Send after ${answerAfterMs} ms${refuseEvery ? `, one in ${refuseEvery} with ${refuseStatus}` : ''}; ${slots} email delivery slots`,
      describe('while the catch-up ran (right after the import)', catchingUp),
      describe('once the sends had reached the email queue', queuedPhase),
      '"no backlog": a second deployment (its own case, commands and delivery queues) in the same worker process, same server, database and API, nothing queued',
      priorityOff ? 'task priority OFF (--priority-off: the dev server without matching.useNewMatcher): the import\'s cases queue level with the others' : `task priority on: the import's cases at priorityKey ${BULK_IMPORT_PRIORITY_KEY}, the paid cases at the default`,
      `raw reference: ${both.reference.filter((t) => t.gaveUp).length} of ${both.reference.length} rows not written within ${rawWaitMs / 1_000} s (recorded as ${rawWaitMs} ms, a lower bound)`,
    );
    const backlogSides = ['backlog', 'no backlog'] as const;
    const rawSides = ['backlog', 'raw one queue'] as const;
    const figures = (name: string, p: typeof catchingUp) => [
      figure(`${name}: answer`, 'ms', false, timesOf(p.withBacklog, 'answer'), timesOf(p.without, 'answer'), backlogSides),
      figure(`${name}: query says closed`, 'ms', false, timesOf(p.withBacklog, 'closed'), timesOf(p.without, 'closed'), backlogSides),
      figure(`${name}: invoice row paid`, 'ms', false, timesOf(p.withBacklog, 'paid'), timesOf(p.without, 'paid'), backlogSides),
    ];
    return {
      options: { sends, payments, rawPayments, answerAfterMs, refuseEvery, refuseStatus, rawWaitMs, maxWaitMs },
      figures: [
        ...figures('catch-up running', catchingUp),
        ...figures('sends queued', queuedPhase),
        figure('both phases vs raw, one shared queue saturated: answer', 'ms', false, timesOf(both.withBacklog, 'answer'), timesOf(both.reference, 'answer'), rawSides),
        figure('both phases vs raw, one shared queue saturated: query says closed', 'ms', false, timesOf(both.withBacklog, 'closed'), timesOf(both.reference, 'closed'), rawSides),
        figure('both phases vs raw, one shared queue saturated: invoice row paid', 'ms', false, timesOf(both.withBacklog, 'paid'), timesOf(both.reference, 'paid'), rawSides),
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

// A timer storm: N cases whose first step (an email) is due at one instant, created through the
// API; measured from that instant until all N emails are in the local sink. Beside it, on the same
// server in the same run, the raw reference: N workflows whose timer fires at one instant and which
// each run one trivial activity. Rounds interleave (ours, raw, ours, raw…).
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { dueDateAnchor, stepDueAt } from '../domain/schedule.js';
import { isoDay } from '../test/support/clock.js';
import { secondScalePolicy } from '../test/support/fixtures.js';
import type { BenchRun } from './support/bench.js';
import { figure, interleaved } from './support/results.js';
import { inParallel, invoiceBody } from './support/invoices.js';
import { startStack, type Stack } from './support/stack.js';

const sleepFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function sentEmails(stack: Stack): Promise<number> {
  const text = await readFile(join(stack.sinkDir, 'email.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).length;
}

/** Polls `count` until it reaches `target`; answers when (performance.now()) it did. */
async function whenReached(count: () => Promise<number> | number, target: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await count()) >= target) return performance.now();
    if (Date.now() > deadline) throw new Error(`only ${await count()} of ${target} within ${timeoutMs / 1000} s`);
    await sleepFor(100);
  }
}

export const run: BenchRun = async (options) => {
  const cases = options.number('cases', 500);
  const rounds = options.number('rounds', 2);
  const leadSeconds = options.number('lead', 60);
  const stack = await startStack({ worker: true });
  let fired = 0;
  const rawQueue = `${stack.taskQueue}-raw-timers`;
  const rawWorker = await Worker.create({
    connection: stack.nativeConnection,
    namespace: stack.namespace,
    taskQueue: rawQueue,
    workflowsPath: fileURLToPath(new URL('./raw-timer-workflows.ts', import.meta.url)),
    activities: { fired: async () => void (fired += 1) },
    dataConverter: stack.dataConverter,
  });
  const rawRunning = rawWorker.run();
  const notes: string[] = [];
  try {
    const dueDate = isoDay(-1);
    const timezone = 'Europe/London';
    const ours = async (round: number): Promise<number> => {
      // A policy whose one step falls `leadSeconds` from now for every invoice due yesterday in London;
      // no consolidation wait (a stored policy without one would take the default's two hours).
      const anchor = dueDateAnchor(dueDate, timezone);
      const offsetSeconds = Math.ceil((Date.now() + leadSeconds * 1000 - anchor) / 1000);
      const policy = { ...secondScalePolicy({ steps: [{ id: 'storm', offset: `PT${offsetSeconds}S`, actions: [{ type: 'email', template: 'overdue_notice' }] }], consolidation: { window: 'PT0S' } }), name: `storm-${round}-${randomUUID().slice(0, 8)}`, version: 1 };
      const dueAt = stepDueAt({ policy, timezone, anchorMillis: anchor, shiftMillis: 0 }, 0);
      const stored = await stack.api('POST', '/v1/policies', { policy });
      if (stored.status !== 201) throw new Error(`storing the policy answered ${stored.status}: ${JSON.stringify(stored.body)}`);
      const before = await sentEmails(stack);
      const began = Date.now();
      // One customer per case: the storm is many cases, not one customer's correspondence.
      await inParallel(Array.from({ length: cases }, () => invoiceBody({ dueDate, issueDate: isoDay(-31), policy: { name: policy.name, version: 1 } })), 16, async (body) => {
        const { status } = await stack.api('POST', '/v1/invoices', body);
        if (status !== 201) throw new Error(`create answered ${status}`);
      });
      if (Date.now() > dueAt) notes.push(`round ${round} (ours): creating ${cases} cases took ${((Date.now() - began) / 1000).toFixed(0)} s, past the due instant; raise --lead`);
      await sleepFor(Math.max(0, dueAt - Date.now()));
      const dueAtPerf = performance.now();
      const done = await whenReached(() => sentEmails(stack).then((n) => n - before), cases, 900_000);
      console.log(`round ${round} ours: all ${cases} sent ${((done - dueAtPerf) / 1000).toFixed(1)} s after the instant`);
      return (done - dueAtPerf) / 1000;
    };
    const raw = async (round: number): Promise<number> => {
      const dueAt = Date.now() + leadSeconds * 1000;
      const before = fired;
      const began = Date.now();
      await inParallel(Array.from({ length: cases }, (_, i) => `bench-timer-${round}-${i}-${randomUUID()}`), 16, (id) => stack.client.workflow.start('timerWorkflow', { workflowId: id, taskQueue: rawQueue, args: [dueAt, id] }));
      if (Date.now() > dueAt) notes.push(`round ${round} (raw): starting ${cases} workflows took ${((Date.now() - began) / 1000).toFixed(0)} s, past the due instant; raise --lead`);
      await sleepFor(Math.max(0, dueAt - Date.now()));
      const dueAtPerf = performance.now();
      const done = await whenReached(() => fired - before, cases, 900_000);
      console.log(`round ${round} raw: all ${cases} fired ${((done - dueAtPerf) / 1000).toFixed(1)} s after the instant`);
      return (done - dueAtPerf) / 1000;
    };
    const storm = await interleaved(rounds, ours, raw);
    notes.push('Ours: created through the API, one customer each, the email through the customer’s correspondence to the local sink, no provider rate limit (SENDGRID_MAX_PER_SECOND would cap it); the worker runs in the bench process with the default limits.');
    return { options: { cases, rounds, leadSeconds }, figures: [figure('timer storm: all due at one instant → all sent', 's', false, storm.ours, storm.raw)], notes };
  } finally {
    rawWorker.shutdown();
    await rawRunning.catch(() => undefined);
    await stack.stop();
  }
};

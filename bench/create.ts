// Case creation through the API beside client.workflow.start of the same workflow with the same
// input, on the same server in the same run: rounds of N creates at a fixed concurrency (with and
// without Idempotency-Key), and a bulk import beside as many raw starts at the same concurrency.
// No worker runs: both sides measure the start, not the first workflow task.
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import autocannon from 'autocannon';
import type { BenchRun } from './support/bench.js';
import { cpuPer, cpuSnapshot } from './support/cpu-breakdown.js';
import { figure, interleaved } from './support/results.js';
import { bulkImport, inParallel, invoiceBody, rawStart } from './support/invoices.js';
import { startStack, type Stack } from './support/stack.js';

/** Sends `n` creates at `concurrency` through autocannon; answers starts per second. */
async function apiRound(stack: Stack, n: number, concurrency: number, withKey: boolean): Promise<number> {
  const statuses: number[] = [];
  // Made before the clock starts, as the raw round makes its inputs: the bench's own work is not timed.
  const headers = { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' };
  const prepare = () => ({ headers: withKey ? { ...headers, 'idempotency-key': randomUUID() } : headers, body: JSON.stringify(invoiceBody()) });
  const prepared = Array.from({ length: n }, prepare);
  let sent = 0;
  const started = performance.now();
  // autocannon resolves on its next one-second tick: time the round to its last answer instead.
  let lastAnswer = started;
  const result = await autocannon({
    url: stack.apiUrl,
    connections: concurrency,
    amount: n,
    timeout: 120,
    requests: [
      {
        method: 'POST',
        path: '/v1/invoices',
        onResponse: (status: number) => {
          lastAnswer = performance.now();
          if (status >= 300) statuses.push(status);
        },
        // autocannon may set up a request beyond `amount` that it never sends: a fresh one then.
        setupRequest: (request) => {
          const next = prepared[sent++] ?? prepare();
          return { ...request, headers: { ...request.headers, ...next.headers }, body: next.body };
        },
      },
    ],
  });
  const seconds = (lastAnswer - started) / 1000;
  console.log(`  API round${withKey ? ' (with key)' : ''}: ${n} in ${seconds.toFixed(1)} s`);
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) throw new Error(`API round: ${result.non2xx} non-2xx (${statuses.join(', ')}), ${result.errors} errors, ${result.timeouts} timeouts of ${n}`);
  return n / seconds;
}

async function rawRound(stack: Stack, client: Client, n: number, concurrency: number): Promise<number> {
  const bodies = Array.from({ length: n }, () => invoiceBody());
  const started = performance.now();
  await inParallel(bodies, concurrency, (body) => rawStart(client, stack.taskQueue, body));
  const seconds = (performance.now() - started) / 1000;
  console.log(`  raw round: ${n} in ${seconds.toFixed(1)} s`);
  return n / seconds;
}

async function bulkRound(stack: Stack, n: number): Promise<number> {
  const bodies = Array.from({ length: n }, () => invoiceBody());
  const started = performance.now();
  await bulkImport(stack, bodies);
  return n / ((performance.now() - started) / 1000);
}

/** CPU milliseconds per create by process kind, summed over a side's rounds: where each side's time goes. */
class CpuTally {
  private readonly totals = new Map<string, Map<string, number>>();
  private readonly creates = new Map<string, number>();
  constructor(private readonly stack: Stack) {}

  async measure(side: string, n: number, round: () => Promise<number>): Promise<number> {
    const own = { api: this.stack.apiPid, bench: process.pid };
    const before = cpuSnapshot(own);
    const rate = await round();
    const per = cpuPer(before, cpuSnapshot(own), 1);
    if (per) {
      const totals = this.totals.get(side) ?? new Map<string, number>();
      for (const [kind, ms] of Object.entries(per)) totals.set(kind, (totals.get(kind) ?? 0) + ms);
      this.totals.set(side, totals);
      this.creates.set(side, (this.creates.get(side) ?? 0) + n);
    }
    return rate;
  }

  /** One line per kind: ms per create on each side. */
  lines(): string[] {
    const sides = [...this.totals.keys()];
    if (sides.length === 0) return [];
    const kinds = [...this.totals.get(sides[0]!)!.keys()];
    return [
      `CPU ms per create (${sides.join(' | ')}):`,
      ...kinds.map((kind) => `  ${kind.padEnd(15)} ${sides.map((side) => (this.totals.get(side)!.get(kind)! / this.creates.get(side)!).toFixed(2).padStart(8)).join(' | ')}`),
    ];
  }
}

export const run: BenchRun = async (options) => {
  const n = options.number('n', 200);
  const concurrency = options.number('concurrency', 32);
  const rounds = options.number('rounds', 6);
  const bulk = options.number('bulk', 2_000);
  const bulkRounds = options.number('bulk-rounds', 2);
  const rawNative = options.flag('raw-native');
  const stack = await startStack();
  // The API's Client runs over a NativeConnection without gzip (api/temporal-connection.ts); the
  // reference is the client package's Connection, as Temporal's client docs show, unless
  // --raw-native gives it a connection configured as the API's.
  const rawNativeConnection = rawNative ? await NativeConnection.connect({ address: stack.temporalAddress, grpcCompression: { codec: 'none' } }) : undefined;
  const rawClient = rawNativeConnection ? new Client({ connection: rawNativeConnection, namespace: stack.namespace, dataConverter: stack.dataConverter }) : stack.client;
  try {
    // Warm-up of both paths (connections, JIT, the first policy read), not counted.
    await apiRound(stack, Math.min(n, 64), concurrency, false);
    await rawRound(stack, rawClient, Math.min(n, 64), concurrency);
    const cpu = new CpuTally(stack);
    const single = await interleaved(rounds, () => cpu.measure('ours', n, () => apiRound(stack, n, concurrency, false)), () => cpu.measure('raw', n, () => rawRound(stack, rawClient, n, concurrency)));
    const keyed = await interleaved(rounds, () => cpu.measure('ours with key', n, () => apiRound(stack, n, concurrency, true)), () => rawRound(stack, rawClient, n, concurrency));
    const figures = [
      figure('create, no Idempotency-Key', 'starts/s', true, single.ours, single.raw),
      figure('create, with Idempotency-Key', 'starts/s', true, keyed.ours, keyed.raw),
    ];
    if (bulk > 0 && bulkRounds > 0) {
      const bulkRun = await interleaved(bulkRounds, () => cpu.measure('bulk', bulk, () => bulkRound(stack, bulk)), () => rawRound(stack, rawClient, bulk, concurrency));
      figures.push(figure('bulk import (one call) vs as many raw starts', 'starts/s', true, bulkRun.ours, bulkRun.raw));
    }
    const cpuLines = cpu.lines();
    for (const line of cpuLines) console.log(line);
    return { options: { n, concurrency, rounds, bulk, bulkRounds, rawNative }, figures, notes: ['No worker polls the task queue: both sides measure the start only.', ...cpuLines] };
  } finally {
    await rawNativeConnection?.close();
    await stack.stop();
  }
};

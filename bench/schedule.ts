// Prints how fast the pure schedule runs: how long the workflow spends deciding what comes next.
// Run: npx tsx bench/schedule.ts
import { nextTimedEvent } from '../domain/case/timed-events.js';
import { initialCaseState } from '../domain/case/state.js';
import { defaultPolicy } from '../domain/default-policy.js';
import { dueDateAnchor, stepDueAt } from '../domain/schedule.js';

const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Pacific/Auckland', 'Europe/London'];
const iterations = 20_000;

function measure(name: string, fn: (i: number) => unknown): void {
  for (let i = 0; i < 1_000; i++) fn(i); // warm-up
  const heapBefore = process.memoryUsage().heapUsed;
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn(i);
  const elapsedNs = Number(process.hrtime.bigint() - started);
  const heapDelta = process.memoryUsage().heapUsed - heapBefore;
  console.log(`${name.padEnd(40)} ${(elapsedNs / iterations / 1_000).toFixed(2).padStart(8)} µs/op  ${Math.round((iterations / elapsedNs) * 1e9).toLocaleString('en').padStart(10)} ops/s  heap ${(heapDelta / 1024 / 1024).toFixed(1)} MiB`);
}

const state = initialCaseState({ invoiceId: 'bench', currency: 'EUR', amountMinor: 100_000, balanceMinor: 100_000 });
const now = Date.parse('2026-11-20T10:00:00Z');

console.log(`node ${process.version}, ${iterations} iterations each`);
measure('stepDueAt (offset + window, 5 zones)', (i) => {
  const timezone = zones[i % zones.length]!;
  return stepDueAt({ policy: defaultPolicy, timezone, anchorMillis: dueDateAnchor('2026-10-20', timezone), shiftMillis: 0 }, i % defaultPolicy.steps.length);
});
measure('nextTimedEvent (whole decision)', (i) => {
  const timezone = zones[i % zones.length]!;
  return nextTimedEvent({ ...state, nextStepIndex: i % defaultPolicy.steps.length }, { policy: defaultPolicy, timezone, anchorMillis: dueDateAnchor('2026-10-20', timezone), shiftMillis: 0 }, now);
});

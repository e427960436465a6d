import type { WorkflowClientInterceptor } from '@temporalio/client';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, invoiceBody } from './support/api.js';
import { statementCountingPrisma } from './support/counting-prisma.js';
import { onSuiteWorker, type WorkerHarness } from './support/worker.js';
import { inject } from 'vitest';

/** Round trips to PostgreSQL a create makes, counted at the pg driver (real database, real Temporal). */
let harness: WorkerHarness;
onSuiteWorker((h) => (harness = h));
const counting = statementCountingPrisma(inject('databaseUrl'));
let api: Awaited<ReturnType<typeof createApiHarness>>;
/** How many statements had been sent when each workflow start began. */
const atStart: number[] = [];
beforeAll(async () => {
  const marker: WorkflowClientInterceptor = {
    start: (input, next) => {
      atStart.push(counting.statements.length);
      return next(input);
    },
  };
  const temporal = new Client({ connection: harness.client.connection, namespace: harness.client.options.namespace, dataConverter: harness.client.options.dataConverter, interceptors: { workflow: [marker] } });
  api = await createApiHarness(harness, { prisma: counting.prisma, temporal });
});
afterAll(() => counting.prisma.$disconnect());

async function countCreate(headers: Record<string, string> = {}) {
  await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() }); // warm: connections, cached policies
  const before = counting.statements.length;
  atStart.length = 0;
  const answer = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody(), headers });
  expect(answer.status).toBe(201);
  return { beforeStart: atStart[0]! - before, total: counting.statements.length - before, statements: counting.statements.slice(before) };
}

describe('round trips of POST /v1/invoices', () => {
  it('a create without Idempotency-Key makes at most 2 round trips before the start and 3 in all', async () => {
    const counted = await countCreate();
    console.log(counted);
    expect(counted.beforeStart).toBeLessThanOrEqual(2);
    expect(counted.total).toBeLessThanOrEqual(3);
  });

  it('a create with Idempotency-Key makes at most 3 round trips before the start and 5 in all', async () => {
    const counted = await countCreate({ 'idempotency-key': `count-${Date.now()}` });
    console.log(counted);
    expect(counted.beforeStart).toBeLessThanOrEqual(3);
    expect(counted.total).toBeLessThanOrEqual(5);
  });
});

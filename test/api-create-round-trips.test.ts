import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCase } from '../api/services/create-case.js';
import { createPolicy } from '../api/services/policies.js';
import { createInvoiceSchema } from '../api/schemas/invoice.js';
import { defaultPolicy } from '../domain/default-policy.js';
import { createPrismaClient, type PrismaClient } from '../prisma/client.js';
import { migrate } from '../scripts/migrator/migrator.js';
import { createApiHarness, invoiceBody } from './support/api.js';
import { statementCountingPrisma } from './support/counting-prisma.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

/** Round trips a create makes to PostgreSQL, counted at the pg driver (real database, real Temporal; no worker needed). */
let harness: WorkerHarness;
const counting = statementCountingPrisma(inject('databaseUrl'));
let api: Awaited<ReturnType<typeof createApiHarness>>;
/** How many statements had been sent when each workflow start began. */
const atStart: number[] = [];
beforeAll(async () => {
  harness = await createWorkerHarness();
  const marker: WorkflowClientInterceptor = {
    start: (input, next) => {
      atStart.push(counting.statements.length);
      return next(input);
    },
  };
  const temporal = new Client({ connection: harness.client.connection, namespace: harness.client.options.namespace, dataConverter: harness.client.options.dataConverter, interceptors: { workflow: [marker] } });
  api = await createApiHarness(harness, { prisma: counting.prisma, temporal });
});
afterAll(async () => {
  await counting.prisma.$disconnect();
  await harness?.close();
});

/** Statements of one create of a new invoice of a new customer, after a first create warmed the pool and the policy cache. */
async function countCreate(headers: Record<string, string> = {}) {
  await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() });
  const before = counting.statements.length;
  atStart.length = 0;
  const answer = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody(), headers });
  expect(answer.status).toBe(201);
  expect(atStart).toHaveLength(1);
  return { beforeStart: atStart[0]! - before, total: counting.statements.length - before, statements: counting.statements.slice(before) };
}

describe('round trips of POST /v1/invoices (each statement is one; BEGIN and COMMIT count)', () => {
  it('a create without Idempotency-Key makes at most 2 round trips before the start (API key, the create statement) and none after it', async () => {
    const counted = await countCreate();
    expect(counted.beforeStart, counted.statements.join('\n---\n')).toBeLessThanOrEqual(2);
    expect(counted.total, counted.statements.join('\n---\n')).toBe(counted.beforeStart);
  });

  it('a create with Idempotency-Key makes at most 2 round trips before the start (API key, the create statement, which claims the key and stores the answer) and none after it', async () => {
    const counted = await countCreate({ 'idempotency-key': `count-${crypto.randomUUID()}` });
    expect(counted.beforeStart, counted.statements.join('\n---\n')).toBeLessThanOrEqual(2);
    expect(counted.total - counted.beforeStart, counted.statements.join('\n---\n')).toBe(0);
  });

  it('a create naming a policy version reads it once per process: the next such create makes one round trip fewer, as few as one without', async () => {
    const name = `counted-${crypto.randomUUID().slice(0, 8)}`;
    await createPolicy(harness.prisma, { ...defaultPolicy, name, version: 1 }, false);
    const create = async () => {
      const before = counting.statements.length;
      expect((await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody({ policy: { name, version: 1 } }) })).status).toBe(201);
      return counting.statements.length - before;
    };
    const first = await create();
    const second = await create();
    expect(second).toBe(first - 1);
    expect(second).toBeLessThanOrEqual(3);
  });
});

describe('the default policy under the policy cache (own database: the default is global)', () => {
  let database: TestDatabase;
  let first: PrismaClient;
  let second: PrismaClient;
  beforeAll(async () => {
    database = await createTestDatabase('policy_cache_test');
    await migrate({ databaseUrl: database.url, migrationsDir: new URL('../prisma/migrations', import.meta.url).pathname });
    // Two clients, two caches: like two API processes on one database.
    first = createPrismaClient(database.url);
    second = createPrismaClient(database.url);
  });
  afterAll(async () => {
    await Promise.allSettled([first?.$disconnect(), second?.$disconnect()]);
    await database?.drop();
  });

  const startedPolicy = async (prisma: PrismaClient) => {
    const outcome = await createCase({ prisma, temporal: harness.client, taskQueue: harness.taskQueue }, createInvoiceSchema.parse(invoiceBody()), 'test');
    if (outcome.kind !== 'created') throw new Error(`expected a new case, got ${outcome.kind}`);
    const details = await (await harness.client.workflow.getHandle(outcome.workflowId).describe()).staticDetails();
    return /policy (\S+);/.exec(details ?? '')?.[1];
  };

  it('starts the next create, in this process and in another, on a default policy stored a moment before', async () => {
    expect(await startedPolicy(first)).toBe(`${defaultPolicy.name}@${defaultPolicy.version}`);
    await createPolicy(first, { ...defaultPolicy, name: 'house', version: 1 }, true);
    expect(await startedPolicy(first)).toBe('house@1');
    expect(await startedPolicy(second)).toBe('house@1');
    await createPolicy(second, { ...defaultPolicy, name: 'house', version: 2, graceDays: 20 }, true);
    expect(await startedPolicy(first)).toBe('house@2');
    expect(await startedPolicy(second)).toBe('house@2');
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPolicy } from '../api/services/policies.js';
import { policyFromRow } from '../api/services/policy-from-row.js';
import { defaultPolicy } from '../domain/default-policy.js';
import { createPrismaClient } from '../prisma/client.js';
import { migrate } from '../scripts/migrator/migrator.js';
import { createApiHarness, invoiceBody } from './support/api.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { eventually } from './support/eventually.js';
import { secondScalePolicy } from './support/fixtures.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

let harness: WorkerHarness;
let api: Awaited<ReturnType<typeof createApiHarness>>;
beforeAll(async () => {
  harness = await createWorkerHarness();
  api = await createApiHarness(harness);
});
afterAll(() => harness?.close());

describe('policies', () => {
  const name = `net30-${randomUUID().slice(0, 8)}`;
  const policy = { ...secondScalePolicy({ steps: [{ id: 'later', offset: 'P20D', actions: [{ type: 'email', template: 'overdue_notice' }] }] }), name, version: 1 };

  it('stores a version (admin only), refuses it twice, and lists it', async () => {
    expect((await api.call('POST', '/v1/policies', { key: api.keys.collector, body: { policy } })).status).toBe(403);
    expect(await api.call('POST', '/v1/policies', { key: api.keys.admin, body: { policy } })).toMatchObject({ status: 201, body: { name, version: 1, isDefault: false } });
    expect((await api.call('POST', '/v1/policies', { key: api.keys.admin, body: { policy } })).status).toBe(409);
    const list = await api.call('GET', '/v1/policies', { key: api.keys.collector });
    expect((list.body.policies as { name: string }[]).map((p) => p.name)).toContain(name);
  });

  it('refuses an invalid policy, naming the path of each problem', async () => {
    const bad = { ...policy, version: 2, steps: [{ id: 'x', offset: 'soon', actions: [{ type: 'fax' }] }] };
    const answer = await api.call('POST', '/v1/policies', { key: api.keys.admin, body: { policy: bad } });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['policy.steps.0.offset', 'policy.steps.0.actions.0.type']));
  });

  it('runs a case on the policy its invoice names, and refuses an unknown one', async () => {
    const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody({ policy: { name, version: 1 } }) });
    expect(created.status).toBe(201);
    const stopWorker = await harness.startWorker();
    try {
      const read = await eventually(() => api.call('GET', `/v1/cases/${created.body.invoiceId as string}`, { key: api.keys.admin }), (r) => r.body.state !== null);
      expect(read.body.state).toMatchObject({ policy: { name, version: 1 }, nextStep: 'later' });
    } finally {
      await stopWorker();
    }
    const unknown = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody({ policy: { name: 'no-such-policy', version: 9 } }) });
    expect(unknown).toMatchObject({ status: 422, body: { errors: [{ field: 'policy' }] } });
  });
});

describe('the default policy (own database: it is global)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('policy_test');
    await migrate({ databaseUrl: database.url, migrationsDir: new URL('../prisma/migrations', import.meta.url).pathname });
  });
  afterAll(() => database?.drop());

  it('has one default at a time, and a stored policy reads back as it was given', async () => {
    const prisma = createPrismaClient(database.url);
    try {
      const first = { ...defaultPolicy, name: 'house', version: 1 };
      const second = { ...defaultPolicy, name: 'house', version: 2, graceDays: 20, partialPayment: 'hold' as const, partialPaymentHold: 'P10D', sendingWindows: null };
      await createPolicy(prisma, first, true);
      await createPolicy(prisma, second, true);
      const rows = await prisma.collectionPolicy.findMany({ orderBy: { version: 'asc' } });
      expect(rows.map((r) => [r.version, r.isDefault])).toEqual([
        [1, false],
        [2, true],
      ]);
      expect(policyFromRow(rows[1]!)).toEqual(second);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('gives a stored policy that does not mention priorNotice the default\'s notice rule; one that asks for none (`{}`) keeps none', async () => {
    const prisma = createPrismaClient(database.url);
    try {
      const { priorNotice: _rule, ...silent } = defaultPolicy;
      await createPolicy(prisma, { ...silent, name: 'silent', version: 1 }, false);
      await createPolicy(prisma, { ...defaultPolicy, name: 'none', version: 1, priorNotice: {} }, false);
      const read = async (name: string) => policyFromRow(await prisma.collectionPolicy.findFirstOrThrow({ where: { name } }));
      expect((await read('silent')).priorNotice).toEqual(defaultPolicy.priorNotice);
      expect((await read('none')).priorNotice).toEqual({});
    } finally {
      await prisma.$disconnect();
    }
  });
});

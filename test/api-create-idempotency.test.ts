import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey } from '../api/auth/api-keys.js';
import { createApiHarness, invoiceBody } from './support/api.js';
import { eventually } from './support/eventually.js';
import { freePort } from './support/free-port.js';
import { spawnMainProcess } from './support/spawn-worker-process.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

/**
 * POST /v1/invoices claims its Idempotency-Key in the statement that writes the customer and the
 * invoice (api/idempotency/key-claim.ts): these prove that a key it cannot claim writes nothing,
 * that an expired key is taken over, and that an answer given before the statement is not stored.
 * Real database and Temporal; no worker needed.
 */
let harness: WorkerHarness;
let api: Awaited<ReturnType<typeof createApiHarness>>;
let scope: string;
beforeAll(async () => {
  harness = await createWorkerHarness();
  api = await createApiHarness(harness);
  scope = (await harness.prisma.apiKey.findFirstOrThrow({ where: { keyHash: hashApiKey(api.keys.system) } })).name;
});
afterAll(async () => {
  await harness?.close();
});

const create = (body: unknown, key: string) => api.call('POST', '/v1/invoices', { key: api.keys.system, body, headers: { 'idempotency-key': key } });
const customerOf = (body: ReturnType<typeof invoiceBody>) => harness.prisma.customer.findUnique({ where: { source_externalId: { source: body.source, externalId: body.customer.externalId } } });

describe('POST /v1/invoices with Idempotency-Key, claimed in the create statement', () => {
  it('the key with another body is a 422 that writes nothing: the customer keeps its name and no invoice is added', async () => {
    const key = `claim-${randomUUID()}`;
    const body = invoiceBody();
    expect((await create(body, key)).status).toBe(201);
    const renamed = { ...body, externalId: `${body.externalId}-other`, customer: { ...body.customer, name: 'Renamed Ltd' } };
    const reused = await create(renamed, key);
    expect(reused).toMatchObject({ status: 422, contentType: 'application/problem+json', body: { errors: [{ field: 'Idempotency-Key', rule: 'reused' }] } });
    expect((await customerOf(body))?.name).toBe(body.customer.name);
    expect(await harness.prisma.invoice.count({ where: { source: body.source, externalId: renamed.externalId } })).toBe(0);
  });

  it('the answer is stored with the claim, as provisional, and nothing is written after the start: the record holds the 201 the client got', async () => {
    const key = `claim-${randomUUID()}`;
    const created = await create(invoiceBody(), key);
    expect(created.status).toBe(201);
    const record = await harness.prisma.idempotencyRecord.findUniqueOrThrow({ where: { scope_key: { scope, key } } });
    expect(record).toMatchObject({ responseStatus: 201, responseBody: created.body, provisional: true });
  });

  it('a provisional answer that names another invoice than the one the same create finds is not given: 409, and no second invoice', async () => {
    const key = `claim-${randomUUID()}`;
    const body = invoiceBody();
    expect((await create(body, key)).status).toBe(201);
    // As a create that found the invoice already there leaves its key until it stores its own answer.
    const record = await harness.prisma.idempotencyRecord.findUniqueOrThrow({ where: { scope_key: { scope, key } } });
    await harness.prisma.idempotencyRecord.update({ where: { scope_key: { scope, key } }, data: { responseBody: { ...(record.responseBody as object), invoiceId: randomUUID() } } });
    const running = await create(body, key);
    expect(running).toMatchObject({ status: 409, body: { title: 'Request in progress' } });
    expect(await harness.prisma.invoice.count({ where: { source: body.source, externalId: body.externalId } })).toBe(1);
  });

  it('a key with no answer yet (a request still running) is a 409 that does not touch the customer row (its updated_at stays)', async () => {
    const key = `claim-${randomUUID()}`;
    const body = invoiceBody();
    expect((await create(body, key)).status).toBe(201);
    await harness.prisma.idempotencyRecord.update({ where: { scope_key: { scope, key } }, data: { responseStatus: null, provisional: false } });
    const before = await customerOf(body);
    const running = await create(body, key);
    expect(running).toMatchObject({ status: 409, body: { title: 'Request in progress' } });
    expect((await customerOf(body))?.updatedAt).toEqual(before?.updatedAt);
  });

  it('the API process SIGKILLed after the create statement, before the start: the same request again starts the case and gets the 201 with the same invoice', async () => {
    // A Temporal that takes connections and never answers: the create commits, then waits on the start.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const apiPort = await freePort();
    const apiKey = generateApiKey();
    const keyName = `crash-${randomUUID().slice(0, 8)}`;
    await harness.prisma.apiKey.create({ data: { name: keyName, role: 'system', keyHash: hashApiKey(apiKey) } });
    const child = spawnMainProcess('api/main.ts', { API_HOST: '127.0.0.1', API_PORT: String(apiPort), TEMPORAL_ADDRESS: `127.0.0.1:${(silent.address() as AddressInfo).port}`, TEMPORAL_TASK_QUEUE: harness.taskQueue, SINK_DIR: harness.sinkDir });
    try {
      expect(await eventually(() => fetch(`http://127.0.0.1:${apiPort}/health`).then((r) => r.status, () => 0), (status) => status === 200, 60_000)).toBe(200);
      const key = `crash-${randomUUID()}`;
      const body = invoiceBody();
      const request = { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) };
      const lost = fetch(`http://127.0.0.1:${apiPort}/v1/invoices`, request).then((r) => r.status, () => 'no answer' as const);
      const invoice = await eventually(() => harness.prisma.invoice.findUnique({ where: { source_externalId: { source: body.source, externalId: body.externalId } } }), (row) => row !== null, 30_000);
      child.kill('SIGKILL');
      await once(child, 'exit');
      expect(await lost).toBe('no answer');
      await expect(harness.client.workflow.getHandle(invoice!.workflowId!).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

      const again = await api.call('POST', '/v1/invoices', { key: apiKey, body, headers: { 'idempotency-key': key } });
      expect(again).toMatchObject({ status: 201, body: { invoiceId: invoice!.id, created: true } });
      expect((await harness.client.workflow.getHandle(invoice!.workflowId!).describe()).status.name).toBe('RUNNING');
    } finally {
      child.kill('SIGKILL');
      silent.close();
    }
  }, 120_000);

  it('an expired key is taken over: the new body runs, and its answer is the one replayed from then on', async () => {
    const key = `claim-${randomUUID()}`;
    const first = invoiceBody();
    expect((await create(first, key)).status).toBe(201);
    await harness.prisma.idempotencyRecord.update({ where: { scope_key: { scope, key } }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const second = invoiceBody();
    const taken = await create(second, key);
    expect(taken.status).toBe(201);
    expect(taken.body.invoiceId).not.toBe(undefined);
    const replayed = await create(second, key);
    expect(replayed).toMatchObject({ status: 201, body: taken.body });
    const record = await harness.prisma.idempotencyRecord.findUniqueOrThrow({ where: { scope_key: { scope, key } } });
    expect(record.expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(record.responseBody).toEqual(taken.body);
  });

  it('an invalid body with a key is answered 400 and not stored: the same key then runs a valid body', async () => {
    const key = `claim-${randomUUID()}`;
    const invalid = await create({ ...invoiceBody(), amountMinor: -5 }, key);
    expect(invalid).toMatchObject({ status: 400, body: { errors: [expect.objectContaining({ field: 'amountMinor' })] } });
    expect(await harness.prisma.idempotencyRecord.count({ where: { scope, key } })).toBe(0);
    const valid = await create(invoiceBody(), key);
    expect(valid.status).toBe(201);
    expect(await harness.prisma.idempotencyRecord.count({ where: { scope, key, responseStatus: 201 } })).toBe(1);
  });

  it('ten concurrent creates with one key and one body make one invoice; each answer is the 201 or a replay of it', async () => {
    const key = `claim-${randomUUID()}`;
    const body = invoiceBody();
    const answers = await Promise.all(Array.from({ length: 10 }, () => create(body, key)));
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const answer of created) expect(answer.body).toEqual(created[0]!.body);
    expect(answers.filter((a) => a.status !== 201)).toEqual([]);
    expect(await harness.prisma.invoice.count({ where: { source: body.source, externalId: body.externalId } })).toBe(1);
  });
});

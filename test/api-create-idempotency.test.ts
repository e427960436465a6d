import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../api/auth/api-keys.js';
import { createApiHarness, invoiceBody } from './support/api.js';
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

  it('the key of a request still running is a 409 that does not touch the customer row (its updated_at stays)', async () => {
    const key = `claim-${randomUUID()}`;
    const body = invoiceBody();
    expect((await create(body, key)).status).toBe(201);
    // As if the first request were still between its claim and its stored answer.
    await harness.prisma.idempotencyRecord.update({ where: { scope_key: { scope, key } }, data: { responseStatus: null, responseBody: undefined } });
    const before = await customerOf(body);
    const running = await create(body, key);
    expect(running).toMatchObject({ status: 409, body: { title: 'Request in progress' } });
    expect((await customerOf(body))?.updatedAt).toEqual(before?.updatedAt);
  });

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

  it('ten concurrent creates with one key and one body make one invoice; each answer is the 201, a replay of it, or a 409', async () => {
    const key = `claim-${randomUUID()}`;
    const body = invoiceBody();
    const answers = await Promise.all(Array.from({ length: 10 }, () => create(body, key)));
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const answer of created) expect(answer.body).toEqual(created[0]!.body);
    expect(answers.filter((a) => a.status !== 201 && a.status !== 409)).toEqual([]);
    expect(await harness.prisma.invoice.count({ where: { source: body.source, externalId: body.externalId } })).toBe(1);
  });
});

import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, invoiceBody } from './support/api.js';
import { isoDay } from './support/clock.js';
import { eventually } from './support/eventually.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

/**
 * The OpenAPI document describes what the API returns: real answers of the running API, each
 * validated against the schema the document gives for its path, method, status and content type.
 *
 * The validator is Ajv 8 in its JSON Schema 2020-12 mode (the dialect of OpenAPI 3.1) with
 * ajv-formats, strict: a keyword it does not know fails the suite instead of passing unread. The
 * first test also keeps the document to keywords that mean the same in draft-07, for the many
 * OpenAPI tools that still read schemas that way.
 */
type Json = Record<string, unknown>;
type Answer = { status: number; contentType: string | null; body: unknown };

const SAME_IN_DRAFT_07_AND_2020_12 = new Set([
  '$ref', 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'format', 'pattern',
  'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems',
  'anyOf', 'oneOf', 'allOf', 'not', 'propertyNames', 'description', 'title', 'default', 'examples',
]);
/** OpenAPI's own annotation (no effect on validation). */
const OPENAPI_ANNOTATIONS = new Set(['example']);

let harness: WorkerHarness;
let stopWorker: () => Promise<void>;
let api: Awaited<ReturnType<typeof createApiHarness>>;
let doc: Json & { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Json }> }> }>>; components: { schemas: Record<string, Json> } };
let ajv: Ajv2020;

beforeAll(async () => {
  harness = await createWorkerHarness();
  stopWorker = await harness.startWorker();
  api = await createApiHarness(harness);
  doc = (await (await api.app.request('/openapi.json')).json()) as typeof doc;
  ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  for (const keyword of OPENAPI_ANNOTATIONS) ajv.addKeyword({ keyword });
  // Where the document keeps its named schemas; the schemas' $refs point into it.
  ajv.addKeyword({ keyword: 'components' });
});
afterAll(async () => {
  await stopWorker?.();
  await harness?.close();
});

/** The errors of `body` against the documented answer of `method path` with this status and content type; [] when it conforms. */
function violations(method: string, path: string, answer: Answer): string[] {
  const contentType = answer.contentType?.split(';')[0] ?? '';
  const documented = doc.paths[path]?.[method]?.responses[String(answer.status)]?.content?.[contentType];
  if (!documented) return [`${method.toUpperCase()} ${path} does not document ${answer.status} ${contentType}`];
  const validate = ajv.compile({ components: doc.components, allOf: [documented.schema] });
  return validate(answer.body) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

const expectConforms = (method: string, path: string, answer: Answer) => expect(violations(method, path, answer)).toEqual([]);
const copy = <T>(value: T): T => structuredClone(value);

describe('the OpenAPI document', () => {
  it('uses only schema keywords that validate the same under draft-07 and 2020-12 (OpenAPI 3.1)', () => {
    const used = new Set<string>();
    const walk = (schema: unknown): void => {
      if (Array.isArray(schema)) return schema.forEach(walk);
      if (typeof schema !== 'object' || schema === null) return;
      for (const [key, value] of Object.entries(schema)) {
        used.add(key);
        if (key === 'properties') Object.values(value as Json).forEach(walk);
        else if (key !== 'enum' && key !== 'required' && key !== 'example' && key !== 'default' && key !== 'const') walk(value);
      }
    };
    Object.values(doc.components.schemas).forEach(walk);
    for (const operations of Object.values(doc.paths)) for (const operation of Object.values(operations)) for (const response of Object.values(operation.responses)) for (const media of Object.values(response.content ?? {})) walk(media.schema);
    expect([...used].filter((keyword) => !SAME_IN_DRAFT_07_AND_2020_12.has(keyword) && !OPENAPI_ANNOTATIONS.has(keyword))).toEqual([]);
  });

  it('documents the case view field by field, not as an empty object', () => {
    const view = doc.components.schemas.CaseView as { properties: Json; required: string[]; additionalProperties: unknown };
    expect(view.required).toEqual(expect.arrayContaining(['invoiceId', 'stage', 'balanceMinor', 'closed', 'nextAction', 'recentActions']));
    expect(view.additionalProperties).toBe(false);
  });
});

describe('real answers conform to the OpenAPI document', () => {
  let invoiceId: string;
  let disputed: Answer;
  beforeAll(async () => {
    const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() });
    expectConforms('post', '/v1/invoices', created);
    expect(created.status).toBe(201);
    invoiceId = created.body.invoiceId as string;
    disputed = await api.call('POST', `/v1/cases/${invoiceId}/disputes`, { key: api.keys.collector, body: { reason: 'goods arrived damaged' } });
    expect(disputed.status).toBe(200);
  });

  it('POST /v1/invoices: created (201) and the same invoice again (200)', async () => {
    const body = invoiceBody();
    expectConforms('post', '/v1/invoices', await api.call('POST', '/v1/invoices', { key: api.keys.system, body }));
    const again = await api.call('POST', '/v1/invoices', { key: api.keys.system, body });
    expect(again.status).toBe(200);
    expectConforms('post', '/v1/invoices', again);
  });

  it('a command answer (the case view) and its negative checks: a missing, mistyped or undocumented field fails', () => {
    expectConforms('post', '/v1/cases/{invoiceId}/disputes', disputed);
    expect(disputed.body).toMatchObject({ stage: 'disputed', disputed: { reason: 'goods arrived damaged' } });

    const missing = copy(disputed.body as Json);
    delete missing.balanceMinor;
    expect(violations('post', '/v1/cases/{invoiceId}/disputes', { ...disputed, body: missing })).toEqual([" must have required property 'balanceMinor'"]);
    const mistyped = { ...(disputed.body as Json), stage: 1 };
    expect(violations('post', '/v1/cases/{invoiceId}/disputes', { ...disputed, body: mistyped })).toContain('/stage must be string');
    const nested = copy(disputed.body as Json & { disputed: Json });
    nested.disputed.openedAt = 1_700_000_000;
    expect(violations('post', '/v1/cases/{invoiceId}/disputes', { ...disputed, body: nested })).toContain('/disputed/openedAt must be string');
    const extra = { ...(disputed.body as Json), secret: 'internal' };
    expect(violations('post', '/v1/cases/{invoiceId}/disputes', { ...disputed, body: extra })).toContain(' must NOT have additional properties');
  });

  it('GET /v1/cases/{invoiceId}: the record, the live state and the audit log', async () => {
    const read = await eventually(() => api.call('GET', `/v1/cases/${invoiceId}`, { key: api.keys.collector }), (r) => (r.body.events as unknown[]).length >= 2);
    expect(read.status).toBe(200);
    expectConforms('get', '/v1/cases/{invoiceId}', read);
    expect(read.body).toMatchObject({ invoice: { id: invoiceId, amountMinor: 125_000 }, state: { stage: 'disputed' } });

    const mistyped = copy(read.body as Json & { invoice: Json });
    mistyped.invoice.amountMinor = '125000';
    expect(violations('get', '/v1/cases/{invoiceId}', { ...read, body: mistyped })).toEqual(['/invoice/amountMinor must be integer']);
    const eventless = copy(read.body as Json & { events: Json[] });
    delete eventless.events[0]!.kind;
    expect(violations('get', '/v1/cases/{invoiceId}', { ...read, body: eventless })).toEqual(["/events/0 must have required property 'kind'"]);
  });

  it('GET /v1/cases: a page of summaries, the run status by name ("1" does not conform)', async () => {
    const list = await eventually(
      () => api.call('GET', `/v1/cases?pageSize=200`, { key: api.keys.collector }),
      (r) => (r.body.cases as { invoiceId?: string; stage?: string }[]).some((x) => x.invoiceId === invoiceId && x.stage === 'disputed'),
    );
    expectConforms('get', '/v1/cases', list);
    expect((list.body.cases as { invoiceId?: string; status: string }[]).find((x) => x.invoiceId === invoiceId)?.status).toBe('running');

    const numeric = copy(list.body as Json & { cases: Json[] });
    numeric.cases[0]!.status = '1';
    expect(violations('get', '/v1/cases', { ...list, body: numeric })).toEqual(['/cases/0/status must be equal to one of the allowed values']);
  });

  it('customer routes: pause, resume, contact change and overview answers (a mistyped total does not conform)', async () => {
    const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody() });
    const { customerId } = await harness.prisma.invoice.findUniqueOrThrow({ where: { id: String(created.body.invoiceId) } });
    const paused = await api.call('POST', `/v1/customers/${customerId}/pause`, { key: api.keys.collector, body: { reason: 'contract check' } });
    expect(paused.status).toBe(200);
    expectConforms('post', '/v1/customers/{customerId}/pause', paused);
    const changed = await api.call('PATCH', `/v1/customers/${customerId}/contact`, { key: api.keys.collector, body: { phone: '+442079460000' } });
    expect(changed.status).toBe(200);
    expectConforms('patch', '/v1/customers/{customerId}/contact', changed);
    const overview = await api.call('GET', `/v1/customers/${customerId}`, { key: api.keys.system });
    expect(overview.status).toBe(200);
    expectConforms('get', '/v1/customers/{customerId}', overview);
    const resumed = await api.call('POST', `/v1/customers/${customerId}/resume`, { key: api.keys.collector, body: {} });
    expect(resumed.status).toBe(200);
    expectConforms('post', '/v1/customers/{customerId}/resume', resumed);
    const unpaused = await api.call('GET', `/v1/customers/${customerId}`, { key: api.keys.system });
    expect(unpaused.body.pause).toBeNull();
    expectConforms('get', '/v1/customers/{customerId}', unpaused);
    const notPaused = await api.call('POST', `/v1/customers/${customerId}/resume`, { key: api.keys.collector, body: {} });
    expect(notPaused.status).toBe(409);
    expectConforms('post', '/v1/customers/{customerId}/resume', notPaused);

    const mistyped = copy(overview.body as Json & { openTotals: Json[] });
    mistyped.openTotals[0]!.balanceMinor = '125000';
    expect(violations('get', '/v1/customers/{customerId}', { ...overview, body: mistyped })).toEqual(['/openTotals/0/balanceMinor must be integer']);
  });

  it('POST /v1/invoices/bulk: a result per row', async () => {
    const answer = await api.call('POST', '/v1/invoices/bulk', { key: api.keys.system, body: { invoices: [invoiceBody(), { nonsense: true }] } });
    expect(answer.status).toBe(200);
    expectConforms('post', '/v1/invoices/bulk', answer);
  });

  it('GET /v1/reports/*: every report, the aging as JSON and as CSV, and a 400 naming the field (a mistyped bucket does not conform)', async () => {
    await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody({ issueDate: isoDay(-40), dueDate: isoDay(-35) }) });
    const aging = await api.call('GET', '/v1/reports/aging', { key: api.keys.collector });
    expect(aging.status).toBe(200);
    expect((aging.body.currencies as unknown[]).length).toBeGreaterThan(0);
    expectConforms('get', '/v1/reports/aging', aging);
    const csv = await api.call('GET', '/v1/reports/aging?format=csv', { key: api.keys.collector });
    expect(csv.contentType).toMatch(/^text\/csv/);
    expectConforms('get', '/v1/reports/aging', csv);
    for (const path of ['/v1/reports/dso', `/v1/reports/cei?from=${isoDay(-30)}&to=${isoDay(0)}`, '/v1/reports/collections-weekly', '/v1/reports/promises', '/v1/reports/channel-effectiveness']) {
      const answer = await api.call('GET', path, { key: api.keys.system });
      expect(answer.status, path).toBe(200);
      expectConforms('get', path.split('?')[0]!, answer);
    }
    const invalid = await api.call('GET', '/v1/reports/cei?from=yesterday', { key: api.keys.collector });
    expect(invalid).toMatchObject({ status: 400, contentType: 'application/problem+json' });
    expectConforms('get', '/v1/reports/cei', invalid);

    const mistyped = copy(aging.body as Json & { currencies: { total: Json }[] });
    mistyped.currencies[0]!.total.over90Minor = '12';
    expect(violations('get', '/v1/reports/aging', { ...aging, body: mistyped })).toEqual(['/currencies/0/total/over90Minor must be integer']);
  });

  it('problem answers: 400 naming the field, 401, 404, 409 and 422 (and a problem without a title does not conform)', async () => {
    const invalid = await api.call('POST', `/v1/cases/${invoiceId}/payments`, { key: api.keys.system, body: { paymentId: 'p', amountMinor: -1, currency: 'GBP', method: 'card' } });
    expect(invalid).toMatchObject({ status: 400, contentType: 'application/problem+json', body: { errors: [{ field: 'amountMinor' }] } });
    expectConforms('post', '/v1/cases/{invoiceId}/payments', invalid);
    const unauthorized = await api.call('GET', `/v1/cases/${invoiceId}`);
    expect(unauthorized.status).toBe(401);
    expectConforms('get', '/v1/cases/{invoiceId}', unauthorized);
    const unknown = await api.call('GET', `/v1/cases/${crypto.randomUUID()}`, { key: api.keys.collector });
    expect(unknown.status).toBe(404);
    expectConforms('get', '/v1/cases/{invoiceId}', unknown);
    const refused = await api.call('POST', `/v1/cases/${invoiceId}/disputes`, { key: api.keys.collector, body: { reason: 'again' } });
    expect(refused.status).toBe(422);
    expectConforms('post', '/v1/cases/{invoiceId}/disputes', refused);
    const body = invoiceBody();
    await api.call('POST', '/v1/invoices', { key: api.keys.system, body });
    const conflict = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: { ...body, amountMinor: 1 } });
    expect(conflict.status).toBe(409);
    expectConforms('post', '/v1/invoices', conflict);

    const untitled = copy(unknown.body as Json);
    delete untitled.title;
    expect(violations('get', '/v1/cases/{invoiceId}', { ...unknown, body: untitled })).toEqual([" must have required property 'title'"]);
  });
});

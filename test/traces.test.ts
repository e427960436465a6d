import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, trace } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateApiKey, hashApiKey } from '../api/auth/api-keys.js';
import { createPrismaClient } from '../prisma/client.js';
import { parseConfig } from '../config/load.js';
import { startTracing, tracingFromConfig, type Tracing } from '../telemetry/tracing.js';
import { correspondenceWorkflowType, deliveryRequestedSignal } from '../workflows/correspondence-definitions.js';
import { collectionWorkflowType, recordPaymentUpdate } from '../workflows/definitions.js';
import { createApiHarness, invoiceBody } from './support/api.js';
import { eventually } from './support/eventually.js';
import { freePort } from './support/free-port.js';
import { spawnMainProcess } from './support/spawn-worker-process.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

/**
 * Traces (README "Traces"), collected by an in-memory exporter in this process from the real API
 * app, a real worker, the dev server and PostgreSQL. No OTLP collector runs here: the export over
 * OTLP/HTTP is checked against a local HTTP receiver that records what arrives.
 */

const pgIsPatched = () => isWrapped((createRequire(import.meta.url)('pg') as { Client: { prototype: { query: unknown } } }).Client.prototype.query);

// Runs first, before this process starts tracing below.
describe('tracing not configured', () => {
  it('registers nothing: no tracing, the global tracer stays the no-op (spans do not record), pg stays unpatched', () => {
    expect(tracingFromConfig(parseConfig({}), 'collections-test')).toBeUndefined();
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    expect(pgIsPatched()).toBe(false);
  });
});

/** The span named `name`, exactly one, within `trace`. */
function only(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  expect(found.map((span) => span.name), `spans named ${name}`).toEqual([name]);
  return found[0]!;
}
const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const children = (spans: readonly ReadableSpan[], parent: ReadableSpan) => spans.filter((span) => span.parentSpanId === idOf(parent));
const descendants = (spans: readonly ReadableSpan[], parent: ReadableSpan): ReadableSpan[] => children(spans, parent).flatMap((child) => [child, ...descendants(spans, child)]);
const isQuery = (span: ReadableSpan) => span.name.startsWith('pg.query');

// The workflow cache is off: every workflow task replays the history first, so the workflow's span
// ids must be remade identically on replay for the chain below to connect.
describe('tracing on, one upstream trace through API, Temporal, workflow (cache off), activities and database', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let harness: WorkerHarness;
  let stopWorker: () => Promise<void>;
  let api: Awaited<ReturnType<typeof createApiHarness>>;

  beforeAll(async () => {
    tracing = startTracing({ serviceName: 'collections-test', spanProcessor: new SimpleSpanProcessor(exporter) });
    harness = await createWorkerHarness({ tracing, limits: { maxCachedWorkflows: 0 } });
    stopWorker = await harness.startWorker();
    api = await createApiHarness(harness, {}, { tracing });
  });
  afterAll(async () => {
    await stopWorker?.();
    await harness?.close();
    await tracing?.shutdown();
  });

  it('patches pg under Prisma’s driver adapter although the ESM import loaded it before tracing started', () => {
    expect(tracing.databaseSpans).toBe(true);
    expect(pgIsPatched()).toBe(true);
  });

  it('POST /v1/invoices and a payment paying it in full: HTTP → StartWorkflow → RunWorkflow → StartActivity → RunActivity → pg.query, the receipt on into the correspondence workflow, and HTTP → update → HandleUpdate, all in the caller’s trace', async () => {
    // The caller (an ERP sync, say) sends W3C trace context: both requests join its trace.
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const headers = { traceparent: `00-${traceId}-${callerSpanId}-01` };

    const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: invoiceBody({ amountMinor: 125_000 }), headers });
    expect(created.status).toBe(201);
    const invoiceId = created.body.invoiceId as string;
    const paid = await api.call('POST', `/v1/cases/${invoiceId}/payments`, { key: api.keys.system, body: { paymentId: `pi_${invoiceId.slice(0, 8)}`, amountMinor: 125_000, currency: 'GBP', method: 'card' }, headers });
    expect(paid.status).toBe(200);

    // Paid in full, the case ends: its RunWorkflow span ends and leaves the sandbox through the sink.
    // The receipt goes through the customer's correspondence workflow: its signal handler's span ends there.
    const runName = `RunWorkflow:${collectionWorkflowType}`;
    const requestHandledName = `HandleSignal:${deliveryRequestedSignal.name}`;
    const spans = await eventually(
      async () => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId),
      (found) => found.some((span) => span.name === runName) && found.some((span) => span.name === requestHandledName),
      30_000,
    );

    const createHttp = only(spans, 'POST /v1/invoices');
    expect(createHttp.kind).toBe(SpanKind.SERVER);
    expect(createHttp.parentSpanId).toBe(callerSpanId);
    expect(createHttp.attributes['http.response.status_code']).toBe(201);
    // The API's own database work (idempotency, invoice and customer rows) under the request.
    expect(descendants(spans, createHttp).filter(isQuery).length).toBeGreaterThan(0);

    const start = only(spans, `StartWorkflow:${collectionWorkflowType}`);
    expect(start.parentSpanId).toBe(idOf(createHttp));
    const run = only(spans, runName);
    expect(run.parentSpanId).toBe(idOf(start));
    expect(run.attributes.workflowId).toBe(`collection-${invoiceId}`);

    // Activities the workflow scheduled, each run under its StartActivity span, with its queries beneath.
    const activityRuns = children(spans, run)
      .filter((span) => span.name.startsWith('StartActivity:'))
      .flatMap((startActivity) => children(spans, startActivity).filter((span) => span.name === startActivity.name.replace('StartActivity:', 'RunActivity:')));
    expect(activityRuns.map((span) => span.name)).toContain('RunActivity:recordCaseEvents');
    const recordRun = activityRuns.find((span) => span.name === 'RunActivity:recordCaseEvents')!;
    const recordQueries = descendants(spans, recordRun).filter(isQuery);
    expect(recordQueries.length).toBeGreaterThan(0);
    expect(recordQueries.every((span) => span.kind === SpanKind.CLIENT && span.attributes['db.system'] === 'postgresql')).toBe(true);

    // requestDelivery's signal-with-start (the worker's own client) carries the trace into the correspondence workflow.
    const requestRun = activityRuns.find((span) => span.name === 'RunActivity:requestDelivery');
    expect(requestRun, 'RunActivity:requestDelivery under the case').toBeDefined();
    const signalWithStart = only(spans, `SignalWithStartWorkflow:${correspondenceWorkflowType}`);
    expect(signalWithStart.parentSpanId).toBe(idOf(requestRun!));
    expect(only(spans, requestHandledName).parentSpanId).toBe(idOf(signalWithStart));

    const payHttp = only(spans, 'POST /v1/cases/:invoiceId/payments');
    expect(payHttp.parentSpanId).toBe(callerSpanId);
    const update = only(spans, `StartWorkflowUpdate:${recordPaymentUpdate.name}`);
    expect(update.parentSpanId).toBe(idOf(payHttp));
    const handled = only(spans, `HandleUpdate:${recordPaymentUpdate.name}`);
    expect(handled.parentSpanId).toBe(idOf(update));
    expect(only(spans, `ValidateUpdate:${recordPaymentUpdate.name}`).parentSpanId).toBe(idOf(update));

    // Nothing of the customer rides on workflow spans: the sink passes only the workflow's identity.
    const workflowSpanText = JSON.stringify([run, handled].map((span) => span.attributes));
    expect(workflowSpanText).not.toContain('acme');
    expect(workflowSpanText).not.toContain('+4420');
  });
});

/** A stand-in for an OTLP/HTTP collector: records every request it receives. */
async function startOtlpReceiver() {
  const received: { path: string | undefined; contentType: string | undefined; body: string }[] = [];
  const receiver = createServer(async (request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    received.push({ path: request.url, contentType: request.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  return { received, endpoint: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`, close: () => receiver.close() };
}

interface OtlpSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
}

/** The spans of OTLP/HTTP JSON export requests, each with its resource's service.name. */
function otlpSpans(bodies: readonly string[]): OtlpSpan[] {
  type Body = { resourceSpans?: { resource?: { attributes?: { key: string; value: { stringValue?: string } }[] }; scopeSpans?: { spans?: Omit<OtlpSpan, 'service'>[] }[] }[] };
  return bodies.flatMap((text) =>
    ((JSON.parse(text) as Body).resourceSpans ?? []).flatMap((resource) => {
      const service = resource.resource?.attributes?.find((attribute) => attribute.key === 'service.name')?.value.stringValue ?? '';
      return (resource.scopeSpans ?? []).flatMap((scope) => (scope.spans ?? []).map((span) => ({ ...span, service })));
    }),
  );
}

describe('tracing configured with an OTLP endpoint', () => {
  it('exports spans over OTLP/HTTP to <OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces with the configured service name', async () => {
    const { received, endpoint, close } = await startOtlpReceiver();
    const tracing = tracingFromConfig(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'collections-otlp-probe' }), 'collections-test');
    try {
      expect(tracing).toBeDefined();
      tracing!.tracer.startSpan('otlp-probe-span').end();
      await tracing!.provider.forceFlush();
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ path: '/v1/traces', contentType: 'application/json' });
      expect(otlpSpans([received[0]!.body])).toEqual([expect.objectContaining({ name: 'otlp-probe-span', service: 'collections-otlp-probe' })]);
    } finally {
      await tracing?.shutdown();
      close();
    }
  });

  it('npm run api and npm run worker with OTEL_EXPORTER_OTLP_ENDPOINT: a POST /v1/invoices is one trace across both processes, from the API’s HTTP span to the worker’s activity and its queries', async () => {
    const { received, endpoint, close } = await startOtlpReceiver();
    const taskQueue = `traces-${randomUUID()}`;
    const apiPort = await freePort();
    const prisma = createPrismaClient(inject('databaseUrl'));
    const key = generateApiKey();
    await prisma.apiKey.create({ data: { name: `traces-${randomUUID().slice(0, 8)}`, role: 'system', keyHash: hashApiKey(key) } });
    const env = {
      TEMPORAL_TASK_QUEUE: taskQueue,
      SINK_DIR: `/tmp/${taskQueue}`,
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      // The batch processor's delay (default 5 s), read by the SDK from the environment.
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    const children = [spawnMainProcess('api/main.ts', env), spawnMainProcess('worker/main.ts', env)];
    try {
      const health = await eventually(() => fetch(`http://127.0.0.1:${apiPort}/health`).then((response) => response.status, () => 0), (status) => status === 200, 60_000);
      expect(health).toBe(200);
      const created = await fetch(`http://127.0.0.1:${apiPort}/v1/invoices`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(invoiceBody()) });
      expect(created.status).toBe(201);

      // The worker bundles the workflows at start, then runs the case's first records.
      const spans = await eventually(
        async () => otlpSpans(received.filter((request) => request.path === '/v1/traces').map((request) => request.body)),
        (found) => found.some((span) => span.service === 'collections-worker' && span.name === 'RunActivity:recordCaseEvents'),
        120_000,
      );
      const http = spans.find((span) => span.service === 'collections-api' && span.name === 'POST /v1/invoices');
      expect(http, 'the API process exported its HTTP span').toBeDefined();
      const start = spans.find((span) => span.name === `StartWorkflow:${collectionWorkflowType}`);
      expect(start).toMatchObject({ service: 'collections-api', traceId: http!.traceId, parentSpanId: http!.spanId });
      const activity = spans.find((span) => span.service === 'collections-worker' && span.name === 'RunActivity:recordCaseEvents' && span.traceId === http!.traceId);
      expect(activity, 'the worker process exported the activity in the API request’s trace').toBeDefined();
      expect(spans.filter((span) => span.service === 'collections-worker' && span.parentSpanId === activity!.spanId && span.name.startsWith('pg.query')).length).toBeGreaterThan(0);
    } finally {
      for (const child of children) child.kill('SIGKILL');
      close();
      await prisma.$disconnect();
    }
  }, 180_000);
});

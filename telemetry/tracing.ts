import { createRequire } from 'node:module';
import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { type Instrumentation, isWrapped, registerInstrumentations } from '@opentelemetry/instrumentation';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** A running tracer provider: the API, the worker and the tests take what they need from it. */
export interface Tracing {
  readonly tracer: Tracer;
  readonly provider: NodeTracerProvider;
  /** Workflow spans reach it through the worker's sink (they are made inside the workflow sandbox). */
  readonly spanProcessor: SpanProcessor;
  readonly resource: Resource;
  /** Whether `pg` (under Prisma's driver adapter) was patched, so database calls have spans. */
  readonly databaseSpans: boolean;
  /** Exports what is buffered, then unregisters everything startTracing registered. */
  shutdown(): Promise<void>;
}

/** The tracing part of the configuration (config/schema.ts). */
export interface TracingConfig {
  readonly OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  readonly OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
  readonly OTEL_SERVICE_NAME?: string | undefined;
}

/** Where spans go over OTLP/HTTP: the traces endpoint as given, else the base endpoint + /v1/traces (the OTLP spec's rule); none: tracing is off. */
export function otlpTracesUrl(config: TracingConfig): string | undefined {
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT) return `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

/**
 * Tracing as configured: spans batched and exported over OTLP/HTTP, or `undefined` when no OTLP
 * endpoint is set. Then nothing is registered: no provider, no exporter, no pg patching, and the
 * OpenTelemetry API stays the no-op it is by default.
 */
export function tracingFromConfig(config: TracingConfig, defaultServiceName: string): Tracing | undefined {
  const url = otlpTracesUrl(config);
  if (!url) return undefined;
  return startTracing({ serviceName: config.OTEL_SERVICE_NAME ?? defaultServiceName, spanProcessor: new BatchSpanProcessor(new OTLPTraceExporter({ url })) });
}

/**
 * Registers a tracer provider for this process (global, so that the AsyncLocalStorage context
 * carries the active span across awaits into Prisma's pg calls, and W3C trace context is the
 * propagator) and instruments `pg`.
 */
export function startTracing({ serviceName, spanProcessor }: { serviceName: string; spanProcessor: SpanProcessor }): Tracing {
  const resource = Resource.default().merge(new Resource({ [ATTR_SERVICE_NAME]: serviceName }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  // Only inside a span of ours (an HTTP request, an activity): the readiness probes and gauges stay untraced.
  const instrumentations: Instrumentation[] = [new PgInstrumentation({ requireParentSpan: true })];
  const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations });
  const databaseSpans = patchLoadedPg();
  return {
    tracer: provider.getTracer('collections-orchestrator'),
    provider,
    spanProcessor,
    resource,
    databaseSpans,
    async shutdown() {
      await provider.shutdown();
      unregister();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/**
 * The instrumentation patches `pg` when it is `require`d, through require-in-the-middle. This
 * project is ESM: Prisma's driver adapter imports pg with `import`, often before tracing starts,
 * and that load passes no require hook. But pg is CommonJS, so the import and a require share
 * one module instance: requiring it here, after registration, lets the hook patch the very
 * `Client.prototype` the adapter uses (pg-pool likewise, for the pool's connect span).
 */
function patchLoadedPg(): boolean {
  const require = createRequire(import.meta.url);
  const pg = require('pg') as { Client: { prototype: { query: unknown } } };
  try {
    require(require.resolve('pg-pool', { paths: [require.resolve('pg')] }));
  } catch {
    // pg-pool only adds the pool's connect span; the query spans come from pg itself.
  }
  return isWrapped(pg.Client.prototype.query);
}

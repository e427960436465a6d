// Patches the workflow sandbox for OpenTelemetry (performance, window), as the SDK's own interceptors do.
import '@temporalio/interceptors-opentelemetry/lib/workflow/runtime.js';
import * as otel from '@opentelemetry/api';
import { BasicTracerProvider, type IdGenerator, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { extractContextFromHeaders, headersWithContext } from '@temporalio/interceptors-opentelemetry/lib/instrumentation.js';
import { ContextManager } from '@temporalio/interceptors-opentelemetry/lib/workflow/context-manager.js';
import { SpanExporter } from '@temporalio/interceptors-opentelemetry/lib/workflow/span-exporter.js';
import { ContinueAsNew, type Headers, workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

/**
 * Workflow spans (README "Traces"), bundled with the workflows: RunWorkflow, HandleSignal,
 * HandleUpdate, ValidateUpdate, StartActivity, SignalWorkflow and ContinueAsNew, named and
 * propagated (header `_tracer-data`) as `@temporalio/interceptors-opentelemetry` does, and
 * exported through the same `exporter` sink.
 *
 * Hand-written instead of the SDK's workflow interceptors, which broke replay of the committed
 * histories (test/histories/) in two ways:
 * - they wrap each call in `await`s, so the promise of an activity resolves a few microtasks
 *   later; an update that completes in the same activation then completes before, not after,
 *   the next ScheduleActivityTask command ("Activity machine does not handle this event:
 *   WorkflowExecutionUpdateCompleted"). Here every method returns the very promise `next`
 *   returned, and the span ends on a side branch of it: the workflow's own reactions run in the
 *   same order as without tracing.
 * - their span ids come from Math.random, the workflow's seeded stream that uuid4() draws from
 *   too, so a case started before tracing would, replayed after, mint other record ids. Here ids
 *   are a hash of the run id and a sequence number of the span.
 */

/**
 * Span ids: FNV-1a (with a finalizer) over the run id and a sequence, without Math.random (the workflow's stream)
 * and without crypto (absent in the sandbox). Spans made at deterministic points of the history
 * count up one sequence, so a replay remakes the same ids; an update's validator (not run on
 * replay, not in history when it refuses) takes its id from the update id instead.
 */
let sequence = 0;
let pinnedSeed: string | undefined;

function fnv1a32(text: string, basis: number): string {
  let hash = basis >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // MurmurHash3's finalizer: FNV alone leaves seeds that differ in their last digit looking alike.
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return ((hash ^ (hash >>> 16)) >>> 0).toString(16).padStart(8, '0');
}

function idFrom(kind: string, hexLength: 16 | 32): string {
  const seed = `${workflowInfo().runId}:${kind}:${pinnedSeed ?? String(sequence++)}`;
  let id = '';
  for (let part = 0; id.length < hexLength; part += 1) id += fnv1a32(`${part}:${seed}`, 0x811c9dc5 + part * 0x9e3779b9);
  return id.slice(0, hexLength);
}

const deterministicIds: IdGenerator = {
  generateTraceId: () => idFrom('trace', 32),
  generateSpanId: () => idFrom('span', 16),
};

/**
 * Replayed spans were exported when first made: they never reach the sink, so a replay (of a
 * cache miss, or the replay tests' worker, which registers no sinks) costs no sink calls.
 */
class LiveSpanExporter extends SpanExporter {
  override export(spans: ReadableSpan[], resultCallback: Parameters<SpanExporter['export']>[1]): void {
    if (workflowInfo().unsafe.isReplaying) return resultCallback({ code: 0 }); // ExportResultCode.SUCCESS
    super.export(spans, resultCallback);
  }
}

let tracer: otel.Tracer | undefined;
let contextManager: ContextManager | undefined;

function workflowTracer(): otel.Tracer {
  if (!tracer) {
    contextManager = new ContextManager();
    const provider = new BasicTracerProvider({ idGenerator: deterministicIds, spanProcessors: [new SimpleSpanProcessor(new LiveSpanExporter())] });
    provider.register({ contextManager });
    tracer = provider.getTracer('@temporalio/interceptor-workflow');
  }
  return tracer;
}

type Acceptable = (error: unknown) => boolean;

function endSpan(span: otel.Span, error?: unknown, acceptable?: Acceptable): void {
  if (error === undefined || acceptable?.(error)) {
    span.setStatus({ code: otel.SpanStatusCode.OK });
  } else {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: otel.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}

/** Runs `run` with `span` active and returns its promise untouched; the span ends when it settles. */
function traced<T>(name: string, parent: otel.Context | undefined, run: (active: otel.Context) => Promise<T>, acceptable?: Acceptable): Promise<T> {
  const base = parent ?? otel.context.active();
  const span = workflowTracer().startSpan(name, {}, base);
  const active = otel.trace.setSpan(base, span);
  let result: Promise<T>;
  try {
    result = otel.context.with(active, () => run(active));
  } catch (error) {
    endSpan(span, error, acceptable);
    throw error;
  }
  // A side branch: it handles the rejection for the span only; the caller still gets (and must handle) `result`.
  result.then(
    () => endSpan(span),
    (error: unknown) => endSpan(span, error, acceptable),
  );
  return result;
}

const withContext = (headers: Headers, active: otel.Context): Headers => otel.context.with(active, () => headersWithContext(headers));
const isContinueAsNew: Acceptable = (error) => error instanceof ContinueAsNew;

export const interceptors: WorkflowInterceptorsFactory = () => {
  // Registers the propagator too, which extractContextFromHeaders needs before the first span.
  workflowTracer();
  return {
    inbound: [
      {
        execute: (input, next) => traced(`RunWorkflow:${workflowInfo().workflowType}`, extractContextFromHeaders(input.headers), () => next(input), isContinueAsNew),
        handleSignal: (input, next) => traced(`HandleSignal:${input.signalName}`, extractContextFromHeaders(input.headers), () => next(input)),
        handleUpdate: (input, next) => traced(`HandleUpdate:${input.name}`, extractContextFromHeaders(input.headers), () => next(input)),
        validateUpdate(input, next) {
          pinnedSeed = `validate:${input.updateId}`;
          const span = workflowTracer().startSpan(`ValidateUpdate:${input.name}`, {}, extractContextFromHeaders(input.headers) ?? otel.context.active());
          pinnedSeed = undefined;
          try {
            next(input);
            endSpan(span);
          } catch (error) {
            endSpan(span, error);
            throw error;
          }
        },
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => traced(`StartActivity:${input.activityType}`, undefined, (active) => next({ ...input, headers: withContext(input.headers, active) })),
        scheduleLocalActivity: (input, next) => traced(`StartActivity:${input.activityType}`, undefined, (active) => next({ ...input, headers: withContext(input.headers, active) })),
        signalWorkflow: (input, next) => traced(`SignalWorkflow:${input.signalName}`, undefined, (active) => next({ ...input, headers: withContext(input.headers, active) })),
        continueAsNew: (input, next) => traced(`ContinueAsNew:${input.options.workflowType ?? workflowInfo().workflowType}`, undefined, (active) => next({ ...input, headers: withContext(input.headers, active) }), isContinueAsNew),
      },
    ],
    internals: [
      {
        dispose(input, next) {
          contextManager?.disable();
          next(input);
        },
      },
    ],
  };
};

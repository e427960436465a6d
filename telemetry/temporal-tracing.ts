import type { WorkflowClientInterceptor } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type OpenTelemetrySinks,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { Tracing } from './tracing.js';
import { modulePath } from '../config/module-path.js';

/**
 * The workflow spans (telemetry/workflow-interceptors.ts), bundled with the workflows always: one
 * bundle serves traced and untraced workers alike, and the interceptors add only a header to the
 * commands a workflow issues, so histories recorded without them still replay.
 */
export const tracingWorkflowInterceptorModule = modulePath('./workflow-interceptors.ts', import.meta.url);

/** StartWorkflow, update, signal and query spans whose context travels to the workflow in its headers; none when tracing is off. */
export function tracingClientInterceptors(tracing: Tracing | undefined): WorkflowClientInterceptor[] {
  return tracing ? [new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.tracer })] : [];
}

/** A RunActivity span per activity, child of the workflow's StartActivity span; none when tracing is off. */
export function tracingActivityInterceptors(tracing: Tracing | undefined): ActivityInterceptorsFactory[] {
  if (!tracing) return [];
  return [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer: tracing.tracer }), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })];
}

/**
 * Spans made inside the workflow sandbox leave it through this sink. Without tracing the sink is
 * still there (the bundled interceptors call it) and drops them. The SDK's exporter copies the
 * whole WorkflowInfo onto every span (memo and search attributes included, decoded); only the
 * workflow's identity is passed on, so nothing of a customer leaves through the trace exporter.
 */
export function workflowSpanSinks(tracing: Tracing | undefined): InjectedSinks<OpenTelemetrySinks> {
  if (!tracing) return { exporter: { export: { fn: () => {}, callDuringReplay: false } } };
  const exporter = makeWorkflowExporter(tracing.spanProcessor, tracing.resource).export;
  return {
    exporter: {
      export: {
        ...exporter,
        fn: (info, spans) => exporter.fn(workflowIdentity(info), spans),
      },
    },
  };
}

function workflowIdentity(info: WorkflowInfo): WorkflowInfo {
  const { namespace, taskQueue, workflowId, runId, workflowType, attempt } = info;
  // The SDK's exporter only spreads these fields onto span attributes; the rest of WorkflowInfo is withheld on purpose.
  return { namespace, taskQueue, workflowId, runId, workflowType, attempt } as WorkflowInfo;
}

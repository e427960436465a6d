import type { TelemetryOptions } from '@temporalio/worker';

/**
 * The Temporal SDK's own worker metrics (task slots, poll and schedule-to-start latencies, sticky
 * cache, activity and workflow task outcomes) and those of the worker's native client (its gRPC
 * requests and failures), served by the SDK Runtime at http://<address>/metrics. Counters get the
 * `_total` suffix and durations are in seconds, as Prometheus conventions ask.
 */
export function runtimeTelemetry(metricsAddress: string | undefined): { telemetryOptions?: TelemetryOptions } {
  if (!metricsAddress) return {};
  return { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress, countersTotalSuffix: true, useSecondsForDurations: true } } } };
}

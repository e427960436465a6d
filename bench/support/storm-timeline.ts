// Where a storm's time goes: from the histories of the workflows that took part, when each stage
// of their path (timer fired, workflow task started, activity scheduled, started, completed…) was
// reached, in seconds after the due instant, summarised over all of them. A stage whose p50 is
// early and whose max is late is a queue: the stage before it is what drains slowly.
import { tsToMs } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { eventTypeName, localActivityType } from '../../test/support/history-events.js';
import { inParallel } from './invoices.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** One stage of a path: the first event after the previous stage's that matches. */
export interface Stage {
  readonly label: string;
  readonly eventType: string;
  readonly where?: (event: HistoryEvent) => boolean;
}

/** A path through one or more workflows' histories (a case, its customer's correspondence, the case again); each searched from the due instant. */
export interface StormPath {
  readonly workflowIds: readonly string[];
}

export interface StageSummary {
  readonly label: string;
  readonly p50: number;
  readonly p90: number;
  readonly max: number;
  readonly reached: number;
}

export const byLocalActivity = (type: string) => (event: HistoryEvent) => localActivityType(event) === type;
export const bySignal = (name: string) => (event: HistoryEvent) => event.workflowExecutionSignaledEventAttributes?.signalName === name;

/** The moment (ms) of each stage in one history, searched in order from `fromMs`; undefined where it was not reached. */
function stageMoments(events: readonly HistoryEvent[], stages: readonly Stage[], fromMs: number): (number | undefined)[] {
  const moments: (number | undefined)[] = [];
  let index = events.findIndex((event) => tsToMs(event.eventTime) >= fromMs);
  for (const stage of stages) {
    const found = index < 0 ? -1 : events.findIndex((event, i) => i >= index && eventTypeName(event) === stage.eventType && (stage.where?.(event) ?? true));
    moments.push(found < 0 ? undefined : tsToMs(events[found]!.eventTime));
    if (found >= 0) index = found;
  }
  return moments;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/**
 * For every path, the moment of each stage (`stagesPerWorkflow[i]` in the path's i-th workflow),
 * then per stage the p50 / p90 / max in seconds after `dueAtMs` over the paths that reached it.
 */
export async function stormTimeline(client: Client, paths: readonly StormPath[], stagesPerWorkflow: readonly (readonly Stage[])[], dueAtMs: number): Promise<StageSummary[]> {
  const labels = stagesPerWorkflow.flat().map((stage) => stage.label);
  const moments: number[][] = labels.map(() => []);
  await inParallel(paths, 8, async (path) => {
    const row: (number | undefined)[] = [];
    const histories = new Map<string, Promise<HistoryEvent[]>>();
    for (const [i, workflowId] of path.workflowIds.entries()) {
      if (!histories.has(workflowId)) histories.set(workflowId, client.workflow.getHandle(workflowId).fetchHistory().then((history) => history.events ?? []));
      row.push(...stageMoments(await histories.get(workflowId)!, stagesPerWorkflow[i] ?? [], dueAtMs));
    }
    row.forEach((moment, i) => moment !== undefined && moments[i]!.push((moment - dueAtMs) / 1000));
  });
  return labels.map((label, i) => {
    const sorted = moments[i]!.sort((a, b) => a - b);
    return { label, p50: quantile(sorted, 0.5), p90: quantile(sorted, 0.9), max: sorted.at(-1) ?? NaN, reached: sorted.length };
  });
}

/** Lines for the console: each stage's p50 / p90 / max seconds after the due instant. */
export function formatTimeline(title: string, summaries: readonly StageSummary[]): string {
  const width = Math.max(...summaries.map((s) => s.label.length));
  const rows = summaries.map((s) => `    ${s.label.padEnd(width)}  ${s.p50.toFixed(1).padStart(6)}  ${s.p90.toFixed(1).padStart(6)}  ${s.max.toFixed(1).padStart(6)}  (${s.reached})`);
  return [`  ${title}: seconds after the due instant, p50 / p90 / max (how many reached it)`, ...rows].join('\n');
}

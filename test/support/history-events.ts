import type { WorkflowHandle } from '@temporalio/client';
// A CommonJS module: Node's ESM loader cannot see its named exports, so take the default.
import proto, { type temporal } from '@temporalio/proto';

const { EventType } = proto.temporal.api.enums.v1;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** `TIMER_STARTED` for EVENT_TYPE_TIMER_STARTED: the names the Temporal UI shows. */
export function eventTypeName(event: HistoryEvent): string {
  return (EventType[event.eventType ?? 0] ?? `UNKNOWN_${event.eventType}`).replace(/^EVENT_TYPE_/, '');
}

/** The activity type a local activity's marker records (core keeps it as JSON in the marker's `data`), or undefined. */
export function localActivityType(event: HistoryEvent): string | undefined {
  const attributes = event.markerRecordedEventAttributes;
  if (attributes?.markerName !== 'core_local_activity') return undefined;
  const data = attributes.details?.['data']?.payloads?.[0]?.data;
  if (!data) return undefined;
  try {
    return (JSON.parse(Buffer.from(data).toString()) as { activity_type?: string }).activity_type;
  } catch {
    return undefined;
  }
}

/** The event types of a workflow's history in order, with what each timer, activity, marker or signal was for. */
export async function historyEventSequence(handle: WorkflowHandle): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events.map((event) => {
    const what =
      event.activityTaskScheduledEventAttributes?.activityType?.name ??
      localActivityType(event) ??
      event.markerRecordedEventAttributes?.markerName ??
      event.workflowExecutionSignaledEventAttributes?.signalName ??
      (event.timerStartedEventAttributes ? String(Number(event.timerStartedEventAttributes.startToFireTimeout?.seconds ?? 0) * 1000 + Math.round((event.timerStartedEventAttributes.startToFireTimeout?.nanos ?? 0) / 1e6)) + ' ms' : undefined);
    return `${event.eventId} ${eventTypeName(event)}${what ? ` (${what})` : ''}`;
  });
}

/** How many events of each type a workflow's history holds, most frequent first. */
export async function historyEventCounts(handle: WorkflowHandle): Promise<{ total: number; byType: Record<string, number> }> {
  const events = (await handle.fetchHistory()).events ?? [];
  const byType: Record<string, number> = {};
  for (const event of events) byType[eventTypeName(event)] = (byType[eventTypeName(event)] ?? 0) + 1;
  return { total: events.length, byType: Object.fromEntries(Object.entries(byType).sort(([, a], [, b]) => b - a)) };
}

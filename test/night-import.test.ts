import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { correspondenceStateQuery, correspondenceWorkflowId } from '../workflows/correspondence-definitions.js';
import { createApiHarness, invoiceBody } from './support/api.js';
import { isoDay } from './support/clock.js';
import { eventually } from './support/eventually.js';
import { onSuiteWorker, type WorkerHarness } from './support/worker.js';

/**
 * A backlog invoice imported through the API while it is night where the customer is: on the real
 * server and worker, with the stored default policy (messages 09:00–17:00, Monday to Friday, in
 * the customer's timezone). The dev server's clock cannot be moved, so instead of waiting for a
 * night the test picks a timezone where it is night now: Berlin when it is night there (the issue's
 * example), else another real zone.
 */
let harness: WorkerHarness;
onSuiteWorker((h) => (harness = h));

/** A zone whose local time is between midnight and 06:00, so the window opens at least 3 hours from now. */
function zoneAtNight(now: DateTime): string {
  const night = (zone: string) => now.setZone(zone).hour < 6;
  const preferred = ['Europe/Berlin', 'Pacific/Auckland', 'Asia/Tokyo', 'Asia/Kolkata', 'America/Sao_Paulo', 'America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu'];
  const found = preferred.find(night) ?? Intl.supportedValuesOf('timeZone').find(night);
  if (!found) throw new Error('no timezone is at night now: impossible, offsets span 26 hours');
  return found;
}

/** 09:00 on the next Monday-to-Friday day, in the zone (the default policy's message window), counted by hand. */
function nextOpening(now: DateTime, zone: string): DateTime {
  let day = now.setZone(zone).set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
  if (day <= now) day = day.plus({ days: 1 });
  while (day.weekday > 5) day = day.plus({ days: 1 });
  return day;
}

describe('a night-time import in a far timezone', () => {
  it('the backlog email waits for 09:00 on the customer’s next working day in its timezone; nothing leaves at night', async () => {
    const api = await createApiHarness(harness);
    const now = DateTime.utc();
    const zone = zoneAtNight(now);
    const expected = nextOpening(now, zone);
    // 20 days overdue: the 15-day reminder is the latest due step (catch-up runs only that one).
    const body = invoiceBody({ issueDate: isoDay(-50), dueDate: isoDay(-20), currency: 'EUR' });
    const customer = { ...body.customer, timezone: zone, postalAddress: { line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' } };
    const created = await api.call('POST', '/v1/invoices', { key: api.keys.system, body: { ...body, customer } });
    expect(created.status).toBe(201);
    const { customerId } = await harness.prisma.invoice.findUniqueOrThrow({ where: { id: String(created.body.invoiceId) } });

    const correspondence = harness.client.workflow.getHandle(correspondenceWorkflowId(customerId));
    const view = await eventually(() => correspondence.query(correspondenceStateQuery).catch(() => undefined), (v) => v?.waiting.length === 1, 20_000);
    expect(view?.waiting.map((w) => w.channel)).toEqual(['email']);
    expect(DateTime.fromISO(view!.nextMessageAt!, { zone }).toISO()).toBe(expected.toISO());
    // The customer's overview through the API says the same.
    const overview = await api.call('GET', `/v1/customers/${customerId}`, { key: api.keys.collector });
    expect(overview.status).toBe(200);
    const overviewed = overview.body as { correspondence: { waiting: number; nextMessageAt: string } | null };
    expect(overviewed.correspondence).toMatchObject({ waiting: 1 });
    expect(Date.parse(overviewed.correspondence!.nextMessageAt)).toBe(expected.toMillis());
    // And nothing reached the sink for this customer meanwhile.
    const emails = (await harness.sent('email')).filter((e) => (e.customer as { customerId?: string } | undefined)?.customerId === customerId);
    expect(emails).toEqual([]);
  }, 60_000);
});

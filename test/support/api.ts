import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { LocalSinkLegalPartner } from '../../activities/providers/legal-partner.js';
import { generateApiKey, hashApiKey, type Role } from '../../api/auth/api-keys.js';
import { type AppDependencies, createApp } from '../../api/app.js';
import type { CaseRouteDependencies } from '../../api/routes/cases.js';
import type { WorkerHarness } from './worker.js';
import { isoDay } from './clock.js';

export type Keys = Record<Role, string>;

/**
 * The real Hono app on the harness's database and Temporal, with one fresh key per role. The legal
 * partner is the harness's local sink (the worker's too) unless `cases` gives another; `extra.codec`
 * serves the codec server, `extra.metrics` GET /metrics, `extra.console` the console's session settings.
 */
export async function createApiHarness(harness: WorkerHarness, cases: Partial<CaseRouteDependencies> = {}, extra: Pick<AppDependencies, 'codec' | 'metrics' | 'console'> = {}) {
  const keys = {} as Keys;
  for (const role of ['system', 'collector', 'admin'] as const) {
    const key = generateApiKey();
    await harness.prisma.apiKey.create({ data: { name: `${role}-${randomUUID().slice(0, 8)}`, role, keyHash: hashApiKey(key) } });
    keys[role] = key;
  }
  const app = createApp({
    logger: pino({ level: 'silent' }),
    readinessChecks: {},
    ...extra,
    cases: { prisma: harness.prisma, temporal: harness.client, taskQueue: harness.taskQueue, legalPartner: new LocalSinkLegalPartner(harness.sinkDir), ...cases },
  });
  const call = async (method: string, path: string, options: { key?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}), ...options.headers };
    if (options.body !== undefined || options.raw !== undefined) headers['content-type'] ??= 'application/json';
    const response = await app.request(path, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : options.raw !== undefined ? { body: options.raw } : {}) });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, contentType: response.headers.get('content-type'), body: json as Record<string, unknown> & { errors?: { field: string; rule: string; message: string }[] } };
  };
  return { app, keys, call };
}

export function invoiceBody(overrides: Record<string, unknown> = {}) {
  const suffix = randomUUID().slice(0, 8);
  return {
    source: 'erp-test',
    externalId: `INV-${suffix}`,
    number: `N-${suffix}`,
    customer: {
      externalId: `CUST-${suffix}`,
      name: 'Acme Wholesale Ltd',
      email: 'ap@acme.example',
      phone: '+442071234567',
      postalAddress: { line1: '1 High Street', city: 'London', postalCode: 'EC1A 1AA', country: 'GB' },
      timezone: 'Europe/London',
      locale: 'en-GB',
    },
    // Far enough ahead that even the courtesy reminder (3 days before) is not due: stage `upcoming`.
    issueDate: isoDay(-30),
    dueDate: isoDay(30),
    amountMinor: 125_000,
    currency: 'GBP',
    paymentLink: 'https://pay.example/x',
    ...overrides,
  };
}

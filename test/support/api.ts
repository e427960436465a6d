import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { LocalSinkLegalPartner } from '../../activities/providers/legal-partner.js';
import { generateApiKey, hashApiKey, type Role } from '../../api/auth/api-keys.js';
import { type AppDependencies, createApp } from '../../api/app.js';
import type { CaseRouteDependencies } from '../../api/routes/cases.js';
import type { WorkerHarness } from './worker.js';

export type Keys = Record<Role, string>;

/**
 * The real Hono app on the harness's database and Temporal, with one fresh key per role. The legal
 * partner is the harness's local sink (the worker's too) unless `cases` gives another; `extra.codec`
 * serves the codec server, `extra.metrics` GET /metrics, `extra.tracing` a span per request,
 * `extra.console` the console's session settings.
 */
export async function createApiHarness(harness: WorkerHarness, cases: Partial<CaseRouteDependencies> = {}, extra: Pick<AppDependencies, 'codec' | 'metrics' | 'tracing' | 'console'> = {}) {
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

export { invoiceBody } from './invoice-body.js';

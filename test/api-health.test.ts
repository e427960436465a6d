import { LazyNativeConnection } from '../api/temporal-connection.js';
import pino from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../api/app.js';
import { postgresCheck, temporalCheck } from '../api/dependency-checks.js';
import { createPrismaClient } from '../prisma/client.js';

const logger = pino({ level: 'silent' });
const prisma = createPrismaClient(inject('databaseUrl'));
const temporal = new LazyNativeConnection({ address: inject('temporalAddress') });
// Nothing listens on port 1: these stand for a database and a Temporal server that are down.
const deadPrisma = createPrismaClient('postgresql://postgres@127.0.0.1:1/collections');
const deadTemporal = new LazyNativeConnection({ address: '127.0.0.1:1' });

afterAll(async () => {
  await Promise.allSettled([prisma.$disconnect(), deadPrisma.$disconnect(), temporal.close(), deadTemporal.close()]);
});

const namespace = inject('temporalNamespace');

interface ReadyBody {
  detail?: string;
  checks: Record<string, { status: string; error?: string }>;
}

describe('health and readiness', () => {
  it('says the process is up on /health', async () => {
    const app = createApp({ logger, readinessChecks: {} });
    const response = await app.request('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready when the real PostgreSQL and Temporal answer', async () => {
    const app = createApp({ logger, readinessChecks: { postgres: postgresCheck(prisma), temporal: temporalCheck(temporal, namespace) } });
    const response = await app.request('/ready');
    const body = (await response.json()) as ReadyBody;
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.checks.postgres?.status).toBe('ok');
    expect(body.checks.temporal?.status).toBe('ok');
  });

  it('is not ready, naming PostgreSQL, when the database does not answer', async () => {
    const app = createApp({ logger, readinessChecks: { postgres: postgresCheck(deadPrisma), temporal: temporalCheck(temporal, namespace) } });
    const response = await app.request('/ready');
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = (await response.json()) as ReadyBody;
    expect(body.detail).toBe('Dependencies not answering: postgres');
    expect(body.checks.temporal?.status).toBe('ok');
  });

  it('is not ready, naming Temporal, when the server does not answer', async () => {
    const app = createApp({ logger, readinessChecks: { postgres: postgresCheck(prisma), temporal: temporalCheck(deadTemporal, namespace) } });
    const response = await app.request('/ready');
    expect(response.status).toBe(503);
    const body = (await response.json()) as ReadyBody;
    expect(body.detail).toBe('Dependencies not answering: temporal');
    expect(body.checks.temporal?.error).toEqual(expect.any(String));
  });

  it('is not ready when the namespace does not exist on the server', async () => {
    const app = createApp({ logger, readinessChecks: { temporal: temporalCheck(temporal, 'no-such-namespace') } });
    expect((await app.request('/ready')).status).toBe(503);
  });

  it('answers unknown routes with a problem+json 404', async () => {
    const app = createApp({ logger, readinessChecks: {} });
    const response = await app.request('/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 404, title: 'Not Found' });
  });
});

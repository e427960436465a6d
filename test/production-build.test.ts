import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateApiKey, hashApiKey } from '../api/auth/api-keys.js';
import { createPrismaClient } from '../prisma/client.js';
import { invoiceBody } from './support/api.js';
import { isoDay } from './support/clock.js';
import { eventually } from './support/eventually.js';
import { secondScalePolicy } from './support/fixtures.js';
import { freePort } from './support/free-port.js';
import { type ProviderServers, startProviderServers } from './support/provider-servers.js';
import { fakeCredentials } from './support/real-providers.js';

/**
 * What the image runs: `npm run build` (TypeScript compiled to JavaScript, the workflows bundled
 * ahead), then the API and the worker started with plain `node` from that output, no tsx. A
 * case goes end to end through them; SIGTERM to the worker while SendGrid (a local stand-in,
 * mocked: the real API cannot be reached here) is still answering lets that send finish and be
 * recorded before the process exits.
 */
const root = new URL('..', import.meta.url).pathname;
const out = join(root, '.data', `build-test-${randomUUID().slice(0, 8)}`);
const taskQueue = `production-build-${randomUUID().slice(0, 8)}`;
const prisma = createPrismaClient(inject('databaseUrl'));
const processes: ChildProcess[] = [];
let servers: ProviderServers;

/**
 * Exits the spawned process when this test process goes away (its stdin closes); no tsx needed.
 * Only in the main thread: the SDK's workflow threads inherit --import, and their stdin ends at once.
 * Unref'd: the pipe alone must not keep a worker alive that finished draining after SIGTERM.
 */
const exitWithParent = `data:text/javascript,import{isMainThread}from'node:worker_threads';if(isMainThread){process.stdin.on('end',()=>process.exit(0));process.stdin.resume();process.stdin.unref();}`;

function startCompiled(entry: string, env: Record<string, string>, readyText: string): { child: ChildProcess; output: () => string; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', exitWithParent, join(out, entry)], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: inject('databaseUrl'),
      PAYLOAD_ENCRYPTION_KEYS: inject('payloadEncryptionKeys'),
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  processes.push(child);
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const ready = (async () => {
    const seen = await eventually(async () => text, (t) => t.includes(readyText) || child.exitCode !== null, 90_000);
    if (!seen.includes(readyText)) throw new Error(`${entry} did not start:\n${seen}`);
  })();
  return { child, output: () => text, ready };
}

/**
 * Between the worker and the SendGrid stand-in: holds each mail send for `holdMs` and tells when
 * one arrives, so the test can stop the worker while the provider is still answering.
 */
async function holdingProxy(target: string, holdMs: number) {
  const sends: number[] = [];
  let onSend: (() => void) | undefined;
  const server: Server = createServer((incoming: IncomingMessage, answer: ServerResponse) => {
    const isSend = incoming.method === 'POST' && (incoming.url ?? '').startsWith('/v3/mail/send');
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      if (isSend) {
        sends.push(Date.now());
        onSend?.();
      }
      setTimeout(
        () => {
          const url = new URL(incoming.url ?? '/', target);
          const forwarded = httpRequest(url, { method: incoming.method, headers: { ...incoming.headers, host: url.host } }, (response) => {
            answer.writeHead(response.statusCode ?? 502, response.headers);
            response.pipe(answer);
          });
          forwarded.on('error', () => answer.writeHead(502).end());
          forwarded.end(Buffer.concat(chunks));
        },
        isSend ? holdMs : 0,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    sends,
    nextSend: () => new Promise<void>((resolve) => (onSend = resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

beforeAll(async () => {
  servers = await startProviderServers();
  // The build the image runs, into a folder of its own (inside the project, so node_modules resolve).
  await promisify(execFile)('bash', ['scripts/build.sh', out], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
}, 600_000);
afterAll(async () => {
  for (const child of processes) child.kill('SIGKILL');
  await Promise.allSettled([servers?.close(), prisma.$disconnect(), rm(out, { recursive: true, force: true })]);
});

describe('the production build', () => {
  it('node dist/api/main.js and node dist/worker/main.js (prebuilt workflow bundle) run a case; SIGTERM mid-send lets the send finish and be recorded, once, before the worker exits 0', async () => {
    const proxy = await holdingProxy(servers.baseUrl, 3_000);
    const sendgrid = { SENDGRID_API_KEY: fakeCredentials.sendgridKey, SENDGRID_FROM_EMAIL: fakeCredentials.from, SENDGRID_BASE_URL: proxy.url, WORKER_SHUTDOWN_GRACE_SECONDS: '20' };
    const worker = startCompiled('worker/main.js', { ...sendgrid, WORKFLOW_BUNDLE_PATH: join(out, 'workflow-bundle.js') }, 'worker polling task queue');
    const apiPort = await freePort();
    const api = startCompiled('api/main.js', { API_PORT: String(apiPort) }, 'API listening');
    await Promise.all([worker.ready, api.ready]);
    // It ran the bundle built ahead, not one bundled at start.
    expect(worker.output()).toContain('workflow bundle built ahead');

    const adminKey = generateApiKey();
    await prisma.apiKey.create({ data: { name: `admin-${taskQueue}`, role: 'admin', keyHash: hashApiKey(adminKey) } });
    const call = async (path: string, body: unknown) => {
      const response = await fetch(`http://127.0.0.1:${apiPort}${path}`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const policy = { ...secondScalePolicy({ steps: [{ id: 'reminder', offset: 'PT1S', actions: [{ type: 'email', template: 'overdue_notice' }] }, { id: 'later', offset: 'P30D', actions: [{ type: 'email', template: 'final_notice' }] }], consolidation: { window: 'PT0S' } }), name: `build-${taskQueue}`, version: 1 };
    // Stored policies take the settings they lack from the default (a 2-hour consolidation): this one says none.
    expect((await call('/v1/policies', { policy })).status).toBe(201);
    const firstSend = proxy.nextSend();
    const created = await call('/v1/invoices', invoiceBody({ issueDate: isoDay(-31), dueDate: isoDay(-1), policy: { name: policy.name, version: 1 } }));
    expect(created.status).toBe(201);
    const invoiceId = String(created.body.invoiceId);

    // SendGrid has the request and is still answering: stop the worker as an orchestrator would.
    await firstSend;
    const stoppedAt = Date.now();
    worker.child.kill('SIGTERM');
    const exitCode = await new Promise<number | null>((resolve) => worker.child.once('exit', (code) => resolve(code)));
    expect(exitCode).toBe(0);
    // It waited for the provider's answer (held 3 s) instead of dropping the send.
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(2_500);
    const row = await prisma.outboxMessage.findFirstOrThrow({ where: { invoiceId } });
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });

    // A new worker takes the case on: the step is recorded as sent, and nothing is sent again.
    const next = startCompiled('worker/main.js', { ...sendgrid, WORKFLOW_BUNDLE_PATH: join(out, 'workflow-bundle.js') }, 'worker polling task queue');
    await next.ready;
    const events = await eventually(() => prisma.collectionEvent.findMany({ where: { invoiceId, kind: 'step_sent' } }), (rows) => rows.length === 1, 30_000);
    expect(events).toHaveLength(1);
    expect(proxy.sends).toHaveLength(1);
    next.child.kill('SIGTERM');
    api.child.kill('SIGTERM');
    await proxy.close();
  }, 180_000);
});

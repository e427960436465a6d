import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness } from './support/api.js';
import { createConsoleUser, serveApp, signIn } from './support/console.js';
import { createWorkerHarness, type WorkerHarness } from './support/worker.js';

let harness: WorkerHarness;
let server: Awaited<ReturnType<typeof serveApp>>;
beforeAll(async () => {
  harness = await createWorkerHarness();
  const api = await createApiHarness(harness);
  server = await serveApp(api.app);
});
afterAll(async () => {
  await server?.close();
  await harness?.close();
});

describe('signing in', () => {
  it('a user with the right password gets a session and the worklist', async () => {
    const user = await createConsoleUser(harness.prisma, 'collector');
    const session = await signIn(server.baseUrl, user.email, user.password);
    expect(session.cookie).toMatch(/^console_session=/);
  });
});

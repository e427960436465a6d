import { afterAll, beforeAll } from 'vitest';
import { type ProviderServers, startProviderServers } from './provider-servers.js';
import { realSenders } from './real-providers.js';
import { createWorkerHarness, type WorkerHarness } from './worker.js';

/**
 * The hooks of a test file whose worker sends through the real provider SDKs to the local servers
 * that answer like SendGrid, Lob and Twilio: `receive` gets both before the file's own hooks run.
 */
export function onWorkerWithProviders(receive: (servers: ProviderServers, harness: WorkerHarness) => void, options: Omit<Parameters<typeof createWorkerHarness>[0] & object, 'senders'> = {}): void {
  let servers: ProviderServers | undefined;
  let harness: WorkerHarness | undefined;
  let stopWorker: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    servers = await startProviderServers();
    harness = await createWorkerHarness({ ...options, senders: realSenders(servers.baseUrl) });
    stopWorker = await harness.startWorker();
    receive(servers, harness);
  });
  afterAll(async () => {
    await stopWorker?.();
    await harness?.close();
    await servers?.close();
  });
}

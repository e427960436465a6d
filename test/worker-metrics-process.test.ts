import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { freePort } from './support/free-port.js';
import { spawnMainProcess } from './support/spawn-worker-process.js';

let stop: (() => void) | undefined;
afterAll(() => stop?.());

const tryScrape = (url: string) => fetch(url).then((response) => (response.ok ? response.text() : ''), () => '');

it('npm run worker with TEMPORAL_METRICS_ADDRESS and WORKER_METRICS_ADDRESS serves the SDK metrics and the business metrics there', async () => {
  const sdkAddress = `127.0.0.1:${await freePort()}`;
  const workerAddress = `127.0.0.1:${await freePort()}`;
  const taskQueue = `metrics-${randomUUID()}`;
  const child = spawnMainProcess('worker/main.ts', { TEMPORAL_TASK_QUEUE: taskQueue, SINK_DIR: `/tmp/${taskQueue}`, TEMPORAL_METRICS_ADDRESS: sdkAddress, WORKER_METRICS_ADDRESS: workerAddress });
  stop = () => child.kill('SIGKILL');

  // The worker bundles the workflows at start; series of its task queue show once it polls.
  const sdk = await eventually(() => tryScrape(`http://${sdkAddress}/metrics`), (text) => text.includes(`task_queue="${taskQueue}"`), 90_000);
  expect(sdk).toMatch(new RegExp(`^temporal_[a-z_]+\\{[^}]*task_queue="${taskQueue}"`, 'm'));
  const business = await tryScrape(`http://${workerAddress}/metrics`);
  expect(business).toContain('# TYPE collections_messages_total counter');
  expect(business).toContain('# TYPE collections_payments_applied_total counter');
  expect(business).toContain('# TYPE process_cpu_seconds_total counter');
  expect((await fetch(`http://${workerAddress}/other`)).status).toBe(404);
}, 120_000);

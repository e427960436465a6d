import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { workerHeapLimitMb } from '../worker/create-worker.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
const flag = `--max-old-space-size=${workerHeapLimitMb}`;

// The cap bounds the workflow thread's heap (README "Worker memory and limits"): a start command without it lets the worker grow to gigabytes.
it(`every start command of the worker passes ${flag} (npm run worker, npm run start:worker, docker compose, npm run dev)`, () => {
  expect(scripts.worker).toBe(`tsx ${flag} worker/main.ts`);
  expect(scripts['start:worker']).toBe(`node ${flag} dist/worker/main.js`);
  expect(read('docker-compose.yml')).toContain(`command: ["node", "${flag}", "dist/worker/main.js"]`);
  expect(read('scripts/dev.sh')).toContain(`tsx ${flag} worker/main.ts`);
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { createApiHarness } from './api.js';
import { launchBrowser, screenshotOnFailure, type TestBrowser } from './browser.js';
import { serveApp } from './console.js';
import { onSuiteWorker, type WorkerHarness } from './worker.js';

export interface ConsoleStack {
  readonly harness: WorkerHarness;
  readonly api: Awaited<ReturnType<typeof createApiHarness>>;
  readonly server: Awaited<ReturnType<typeof serveApp>>;
  readonly browser: TestBrowser;
}

/**
 * The hooks every console test in a browser needs: the suite's worker, the real app served over
 * HTTP on it, Debian's Chromium, and a screenshot of `currentPage()` when a test fails. `receive`
 * gets them before the file's own `beforeAll` runs.
 */
export function onConsoleInBrowser(receive: (stack: ConsoleStack) => void, currentPage: () => Page | undefined): void {
  let harness: WorkerHarness;
  let stack: ConsoleStack | undefined;
  onSuiteWorker((h) => (harness = h));
  beforeAll(async () => {
    const api = await createApiHarness(harness);
    stack = { harness, api, server: await serveApp(api.app), browser: await launchBrowser() };
    receive(stack);
  });
  afterAll(async () => {
    await stack?.browser.close();
    await stack?.server.close();
  });
  screenshotOnFailure(currentPage);
}

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axe from 'axe-core';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { beforeEach } from 'vitest';

/** Debian's chromium (scripts/install-chromium.sh installs it): browsers cannot be downloaded here. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface TestBrowser {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Launches the system Chromium through playwright-core with a fresh user-data directory (removed on close). */
export async function launchBrowser(): Promise<TestBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'console-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath, headless: true, args: chromiumArgs, viewport: { width: 1280, height: 900 } });
  return {
    context,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

export const screenshotDir = new URL('../../test-artifacts/screenshots/', import.meta.url).pathname;

/** A file name from a test's title: letters, digits, dashes. */
const fileName = (title: string): string => title.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 150);

/**
 * Call in a describe (or file) that drives a browser: when a test fails, the page `currentPage`
 * returns is saved to test-artifacts/screenshots/<test title>.png (full page).
 */
export function screenshotOnFailure(currentPage: () => Page | undefined): void {
  beforeEach((context) => {
    context.onTestFailed(async () => {
      const page = currentPage();
      if (!page || page.isClosed()) return;
      await mkdir(screenshotDir, { recursive: true });
      await page.screenshot({ path: join(screenshotDir, `${fileName(context.task.name)}.png`), fullPage: true });
    });
  });
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { target: unknown; html: string }[];
}

/**
 * Runs axe-core in the page (its source evaluated through the DevTools protocol, which the
 * console's Content-Security-Policy does not govern) and returns the serious and critical violations.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axe.source);
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })) })))`)) as AxeViolation[];
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// CI reads only the last line `.ci/run` prints; it must never call a broken run green.
const script = new URL('../scripts/lib/vitest-summary.mjs', import.meta.url).pathname;

function summarize(report: unknown): { line: string; exitCode: number } {
  const dir = mkdtempSync(join(tmpdir(), 'summary-'));
  const path = join(dir, 'report.json');
  if (report !== undefined) writeFileSync(path, JSON.stringify(report));
  try {
    return { line: execFileSync('node', [script, path], { encoding: 'utf8' }).trim(), exitCode: 0 };
  } catch (error) {
    const failure = error as { stdout: string; status: number };
    return { line: failure.stdout.trim(), exitCode: failure.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const file = (status: string, tests: string[]) => ({ status, assertionResults: tests.map((s) => ({ status: s })) });

describe('the CI summary line', () => {
  it('counts passed, failed and skipped tests', () => {
    const report = { numPassedTests: 5, numFailedTests: 1, numPendingTests: 2, numTodoTests: 1, testResults: [file('failed', ['passed', 'failed'])] };
    expect(summarize(report)).toEqual({ line: '5 passed, 1 failed, 3 skipped', exitCode: 1 });
  });

  it('leaves out skipped when there are none and exits 0 when all passed', () => {
    const report = { numPassedTests: 3, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, testResults: [file('passed', ['passed'])] };
    expect(summarize(report)).toEqual({ line: '3 passed, 0 failed', exitCode: 0 });
  });

  it('counts a test file that could not run as a failure', () => {
    const report = { numPassedTests: 3, numFailedTests: 0, numPendingTests: 0, numTodoTests: 0, testResults: [file('failed', [])] };
    expect(summarize(report)).toEqual({ line: '3 passed, 1 failed', exitCode: 1 });
  });

  it('fails when no report was written', () => {
    expect(summarize(undefined)).toMatchObject({ line: '0 passed, 1 failed (no vitest report was written)', exitCode: 1 });
  });
});

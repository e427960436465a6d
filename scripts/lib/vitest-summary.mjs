// Prints "N passed, N failed[, N skipped]" from vitest's JSON report. A test file that could not
// run at all (syntax error, failed hook) counts as one failure, so it can never pass silently.
import { readFileSync } from 'node:fs';

const path = process.argv[2] ?? '.vitest-results.json';
let report;
try {
  report = JSON.parse(readFileSync(path, 'utf8'));
} catch {
  console.log('0 passed, 1 failed (no vitest report was written)');
  process.exit(1);
}
const brokenFiles = report.testResults.filter(
  (file) => file.status === 'failed' && file.assertionResults.every((test) => test.status !== 'failed'),
).length;
const passed = report.numPassedTests;
const failed = report.numFailedTests + brokenFiles;
const skipped = report.numPendingTests + report.numTodoTests;
// Skipped tests are named (on stderr, before the count), so none is skipped silently: the cluster
// tests, say, are skipped only when the Temporal server cannot be built, and their title says so.
for (const file of report.testResults) {
  for (const test of file.assertionResults ?? []) {
    if (test.status === 'skipped' || test.status === 'pending' || test.status === 'todo') console.error(`skipped: ${test.fullName ?? test.title}`);
  }
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

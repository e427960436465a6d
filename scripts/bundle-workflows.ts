// Bundles the workflows ahead of time (npm run build, from the sources): the image's worker loads this file
// (WORKFLOW_BUNDLE_PATH) instead of bundling at every start, and runs exactly the code that shipped.
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '../codec/data-converter.js';
import { workflowInterceptorModules, workflowsPath } from '../worker/create-worker.js';

const [, , out] = process.argv;
if (!out) {
  console.error('usage: bundle-workflows <out.js>');
  process.exit(64);
}
const started = Date.now();
const { code } = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, failureConverterPath });
await writeFile(out, code);
console.log(`workflow bundle: ${out} (${Math.round(code.length / 1024)} KiB, ${Date.now() - started} ms)`);

// Entry point of the workflow bundle the worker loads.
export { collectionWorkflow } from './collection-workflow.js';
export { correspondenceWorkflow } from './correspondence-workflow.js';

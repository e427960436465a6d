import type { BenchRun } from './support/bench.js';
export const run: BenchRun = async () => { throw new Error('not yet'); };

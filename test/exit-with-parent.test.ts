import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';

const root = new URL('..', import.meta.url).pathname;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('processes a test run spawns', () => {
  it('exit when the test process that spawned them is killed (SIGKILL: no cleanup of its own runs)', async () => {
    // A stand-in for an interrupted test run: it spawns a long-lived child the way the crash tests
    // spawn worker processes (stdin piped), prints the child's pid, and then is killed.
    const parentScript = `
      const { spawn } = require('node:child_process');
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', "await import('./test/support/exit-with-parent.ts'); setInterval(() => {}, 1000);"], { cwd: ${JSON.stringify(root)}, stdio: ['pipe', 'ignore', 'inherit'] });
      console.log(child.pid);
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['-e', parentScript], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const childPid = await new Promise<number>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    expect(alive(childPid)).toBe(true);
    parent.kill('SIGKILL');
    const gone = await eventually(async () => !alive(childPid), (isGone) => isGone, 15_000);
    if (!gone) process.kill(childPid, 'SIGKILL'); // leave nothing behind even when the assertion fails
    expect(gone).toBe(true);
  }, 30_000);
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;

async function start(entry: string, env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await run('node_modules/.bin/tsx', [entry], { cwd: root, env: { ...process.env, ...env }, timeout: 30_000 });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failure = error as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  }
}

describe('a process started with bad configuration', () => {
  it.each([
    ['api/main.ts', { API_PORT: 'eighty' }, /API_PORT must be a TCP port number/],
    ['worker/main.ts', { TEMPORAL_ADDRESS: 'no-port-here' }, /TEMPORAL_ADDRESS must be host:port, like 127.0.0.1:7233/],
    ['scripts/migrate.ts', { DATABASE_URL: 'mysql://root@localhost/app' }, /DATABASE_URL must be a PostgreSQL URL/],
    ['worker/main.ts', { PAYLOAD_ENCRYPTION_KEYS: '', PAYLOAD_ENCRYPTION_KEY_FILE: '' }, /PAYLOAD_ENCRYPTION_KEYS must be set/],
    ['api/main.ts', { PAYLOAD_ENCRYPTION_KEYS: 'k1:c2hvcnQ=' }, /PAYLOAD_ENCRYPTION_KEYS must be id:base64key entries.*entry 1 \(id k1\) is not 32 bytes/],
    ['api/main.ts', { PAYLOAD_ENCRYPTION_KEYS: '', PAYLOAD_ENCRYPTION_KEY_FILE: '/nonexistent/keys' }, /PAYLOAD_ENCRYPTION_KEY_FILE names a file that cannot be read/],
  ])('%s stops with exit code 78 and names the variable', async (entry, env, message) => {
    const { code, stderr } = await start(entry, env);
    expect(code).toBe(78);
    expect(stderr).toMatch(/^Invalid configuration:/);
    expect(stderr).toMatch(message);
  });
});

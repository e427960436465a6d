import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { hashApiKey } from '../api/auth/api-keys.js';
import { createPrismaClient } from '../prisma/client.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const prisma = createPrismaClient(inject('databaseUrl'));
afterAll(() => prisma.$disconnect());

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/api-keys.ts', ...args], { cwd: root, env: { ...process.env, DATABASE_URL: inject('databaseUrl') } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('npm run api-keys', () => {
  it('creates a key shown once and stored only as its hash, lists it, and revokes it', async () => {
    const name = `cli-${randomUUID().slice(0, 8)}`;
    const created = await cli('create', name, '--role', 'collector');
    expect(created.code).toBe(0);
    const key = created.stdout.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^co_[A-Za-z0-9_-]{43}$/);
    const row = await prisma.apiKey.findUniqueOrThrow({ where: { name } });
    expect(row).toMatchObject({ role: 'collector', keyHash: hashApiKey(key), revokedAt: null });
    expect(JSON.stringify(row)).not.toContain(key);

    expect((await cli('list')).stdout).toContain(`${name}\tcollector`);
    expect((await cli('create', name, '--role', 'admin')).stderr).toContain(`a key named "${name}" exists already`);
    expect((await cli('revoke', name)).code).toBe(0);
    expect((await prisma.apiKey.findUniqueOrThrow({ where: { name } })).revokedAt).toBeInstanceOf(Date);
    expect((await cli('revoke', name)).code).toBe(1);
  });

  it('refuses an unknown role and explains its usage', async () => {
    expect(await cli('create', 'x', '--role', 'root')).toMatchObject({ code: 1, stderr: expect.stringContaining('--role must be one of system, collector, admin') });
    expect(await cli('delete')).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run api-keys') });
  });
});

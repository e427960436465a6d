import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { verifyPassword } from '../api/console/auth/passwords.js';
import { createPrismaClient } from '../prisma/client.js';

const root = new URL('..', import.meta.url).pathname;
const prisma = createPrismaClient(inject('databaseUrl'));
afterAll(() => prisma.$disconnect());

function cli(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', 'scripts/users.ts', ...args], { cwd: root, env: { ...process.env, DATABASE_URL: inject('databaseUrl') } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin ?? '');
  });
}

const uniqueEmail = () => `Person-${randomUUID().slice(0, 8)}@Example.com`;

describe('npm run users', () => {
  it('creates a user with a password from stdin, stored only as a scrypt hash, under the lower-cased email, and lists it', async () => {
    const email = uniqueEmail();
    const password = 'correct horse battery staple';
    const created = await cli(['create', email, '--name', 'Ada Collector', '--role', 'collector', '--password-stdin'], `${password}\n`);
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).not.toContain(password);
    const row = await prisma.consoleUser.findUniqueOrThrow({ where: { email: email.toLowerCase() } });
    expect(row).toMatchObject({ name: 'Ada Collector', role: 'collector', disabled: false });
    expect(row.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.passwordHash).not.toContain(password);
    expect(await verifyPassword(password, row.passwordHash)).toBe(true);
    expect((await cli(['list'])).stdout).toContain(`${email.toLowerCase()}\tcollector\tAda Collector`);
    expect((await cli(['create', email, '--name', 'Again', '--role', 'viewer', '--password-stdin'], `${password}\n`)).stderr).toContain('exists already');
  });

  it('generates a password shown once when none is given, and set-password replaces it and ends the sessions', async () => {
    const email = uniqueEmail().toLowerCase();
    const created = await cli(['create', email, '--name', 'Vic Viewer', '--role', 'viewer']);
    expect(created.code).toBe(0);
    const generated = created.stdout.trim().split('\n').at(-1)!;
    expect(generated).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const row = await prisma.consoleUser.findUniqueOrThrow({ where: { email } });
    expect(await verifyPassword(generated, row.passwordHash)).toBe(true);

    await prisma.consoleSession.create({ data: { tokenHash: 'a'.repeat(64), userId: row.id, csrfSecret: 'x', expiresAt: new Date(Date.now() + 3_600_000) } });
    expect((await cli(['set-password', email, '--password-stdin'], 'another long password\n')).code).toBe(0);
    const after = await prisma.consoleUser.findUniqueOrThrow({ where: { email } });
    expect(await verifyPassword('another long password', after.passwordHash)).toBe(true);
    expect(await verifyPassword(generated, after.passwordHash)).toBe(false);
    expect(await prisma.consoleSession.count({ where: { userId: row.id } })).toBe(0);
  });

  it('disables a user and ends their sessions; a second disable says there is no active user', async () => {
    const email = uniqueEmail().toLowerCase();
    await cli(['create', email, '--name', 'Ann Admin', '--role', 'admin']);
    const row = await prisma.consoleUser.findUniqueOrThrow({ where: { email } });
    await prisma.consoleSession.create({ data: { tokenHash: 'b'.repeat(64), userId: row.id, csrfSecret: 'x', expiresAt: new Date(Date.now() + 3_600_000) } });
    expect((await cli(['disable', email])).code).toBe(0);
    expect((await prisma.consoleUser.findUniqueOrThrow({ where: { email } })).disabled).toBe(true);
    expect(await prisma.consoleSession.count({ where: { userId: row.id } })).toBe(0);
    expect((await cli(['list'])).stdout).toMatch(new RegExp(`${email.replace(/[.]/g, '\\.')}\\tadmin\\tAnn Admin\\tcreated \\S+\\tdisabled`));
    expect((await cli(['disable', email])).code).toBe(1);
  });

  it('refuses an unknown role, a short password and explains its usage', async () => {
    expect(await cli(['create', uniqueEmail(), '--name', 'X', '--role', 'root'])).toMatchObject({ code: 1, stderr: expect.stringContaining('--role must be one of collector, admin, viewer') });
    expect(await cli(['create', uniqueEmail(), '--name', 'X', '--role', 'viewer', '--password-stdin'], 'short\n')).toMatchObject({ code: 1, stderr: expect.stringContaining('at least 12 characters') });
    expect(await cli(['remove'])).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run users') });
  });
});

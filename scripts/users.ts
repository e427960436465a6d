// Manages the console's users (README "Console"):
//   create <email> --name "…" --role collector|admin|viewer [--password-stdin]
//     reads the password from stdin with --password-stdin, else generates one and prints it once;
//   list; disable <email> (ends their sessions too); set-password <email> [--password-stdin]
//     (likewise; ends their sessions). Passwords are stored only as scrypt hashes.
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { generatePassword, hashPassword, minimumPasswordLength } from '../api/console/auth/passwords.js';
import { type ConsoleRole, consoleRoles, normalizeEmail } from '../api/console/auth/users.js';
import { loadConfig } from '../config/load.js';
import { createPrismaClient } from '../prisma/client.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { name: { type: 'string' }, role: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false } } });
const [command, rawEmail] = positionals;
const email = rawEmail ? normalizeEmail(rawEmail) : undefined;
const usage = 'usage: npm run users -- create <email> --name "Full Name" --role collector|admin|viewer [--password-stdin] | list | disable <email> | set-password <email> [--password-stdin]';
const prisma = createPrismaClient(loadConfig().DATABASE_URL);

/** The password from stdin (one line, trailing newline dropped), or a generated one the caller prints. */
async function newPassword(): Promise<{ password: string; generated: boolean }> {
  if (!values['password-stdin']) return { password: generatePassword(), generated: true };
  const password = (await text(process.stdin)).replace(/\r?\n$/, '');
  if (password.length < minimumPasswordLength) throw new Error(`the password must have at least ${minimumPasswordLength} characters`);
  return { password, generated: false };
}

try {
  if (command === 'create' && email) {
    const role = values.role as ConsoleRole | undefined;
    if (!role || !consoleRoles.includes(role)) throw new Error(`--role must be one of ${consoleRoles.join(', ')}`);
    if (!values.name?.trim()) throw new Error('--name is required');
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new Error('the email must look like name@example.com');
    const { password, generated } = await newPassword();
    await prisma.consoleUser.create({ data: { email, name: values.name.trim(), role, passwordHash: await hashPassword(password) } });
    console.log(`created ${role} "${email}"`);
    if (generated) console.log(`Their password is shown only now; pass it on safely:\n${password}`);
  } else if (command === 'list') {
    for (const user of await prisma.consoleUser.findMany({ orderBy: { createdAt: 'asc' } })) {
      console.log(`${user.email}\t${user.role}\t${user.name}\tcreated ${user.createdAt.toISOString()}${user.disabled ? '\tdisabled' : ''}`);
    }
  } else if (command === 'disable' && email) {
    const { count } = await prisma.consoleUser.updateMany({ where: { email, disabled: false }, data: { disabled: true } });
    await prisma.consoleSession.deleteMany({ where: { user: { email } } });
    console.log(count ? `disabled "${email}" and ended their sessions` : `no active user "${email}"`);
    if (!count) process.exitCode = 1;
  } else if (command === 'set-password' && email) {
    const user = await prisma.consoleUser.findUnique({ where: { email } });
    if (!user) throw new Error(`no user "${email}"`);
    const { password, generated } = await newPassword();
    await prisma.consoleUser.update({ where: { email }, data: { passwordHash: await hashPassword(password) } });
    await prisma.consoleSession.deleteMany({ where: { userId: user.id } });
    console.log(`set a new password for "${email}" and ended their sessions`);
    if (generated) console.log(`Their password is shown only now; pass it on safely:\n${password}`);
  } else {
    console.error(usage);
    process.exitCode = 2;
  }
} catch (error) {
  const message = (error as { code?: string }).code === 'P2002' ? `a user "${email}" exists already` : (error as Error).message;
  console.error(`error: ${message}`);
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
}

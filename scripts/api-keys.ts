// Manages API keys: `create <name> --role system|collector|admin` (prints the key once),
// `revoke <name>`, `list`. Keys are stored only as sha256 hashes.
import { parseArgs } from 'node:util';
import { generateApiKey, hashApiKey, type Role, roles } from '../api/auth/api-keys.js';
import { loadConfig } from '../config/load.js';
import { createPrismaClient } from '../prisma/client.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { role: { type: 'string' } } });
const [command, name] = positionals;
const usage = 'usage: npm run api-keys -- create <name> --role system|collector|admin | revoke <name> | list';
const prisma = createPrismaClient(loadConfig().DATABASE_URL);

try {
  if (command === 'create' && name) {
    const role = values.role as Role | undefined;
    if (!role || !roles.includes(role)) throw new Error(`--role must be one of ${roles.join(', ')}`);
    const key = generateApiKey();
    await prisma.apiKey.create({ data: { name, role, keyHash: hashApiKey(key) } });
    console.log(`created ${role} key "${name}". It is shown only now; store it safely:\n${key}`);
  } else if (command === 'revoke' && name) {
    const { count } = await prisma.apiKey.updateMany({ where: { name, revokedAt: null }, data: { revokedAt: new Date() } });
    console.log(count ? `revoked "${name}"` : `no active key named "${name}"`);
    if (!count) process.exitCode = 1;
  } else if (command === 'list') {
    for (const key of await prisma.apiKey.findMany({ orderBy: { createdAt: 'asc' } })) {
      console.log(`${key.name}\t${key.role}\tcreated ${key.createdAt.toISOString()}${key.revokedAt ? `\trevoked ${key.revokedAt.toISOString()}` : ''}`);
    }
  } else {
    console.error(usage);
    process.exitCode = 2;
  }
} catch (error) {
  const message = (error as { code?: string }).code === 'P2002' ? `a key named "${name}" exists already` : (error as Error).message;
  console.error(`error: ${message}`);
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
}

// `npm run doctor`: checks Node, the settings and providers, the ports, the database and its
// migrations, the Temporal server and its search attributes, and prints a remedy for each problem.
// Exits 1 when any check fails. `--before-start` is npm run dev's own run: what dev is about to
// start, create, migrate or register is not counted as a problem.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkConfig } from './doctor/check-config.js';
import { checkDatabase } from './doctor/check-database.js';
import { checkNode } from './doctor/check-node.js';
import { checkPorts } from './doctor/check-ports.js';
import { checkTemporal } from './doctor/check-temporal.js';
import type { DoctorContext } from './doctor/context.js';
import type { Finding } from './doctor/finding.js';

const { values } = parseArgs({ options: { 'before-start': { type: 'boolean', default: false } } });
const context: DoctorContext = {
  env: process.env,
  beforeStart: values['before-start'] ?? false,
  dataDir: process.env.DATA_DIR || join(process.cwd(), '.data'),
  migrationsDir: fileURLToPath(new URL('../prisma/migrations', import.meta.url)),
};

const { findings, config } = checkConfig(context.env);
findings.unshift(...checkNode());
if (config) {
  const [ports, database, temporal] = await Promise.all([checkPorts(context, config), checkDatabase(context), checkTemporal(context, config)]);
  findings.push(...ports, ...database, ...temporal);
}

const label = { ok: 'ok   ', warn: 'WARN ', error: 'ERROR' } as const;
for (const finding of findings as Finding[]) {
  console.log(`${label[finding.level]} ${finding.subject}: ${finding.detail}`);
  if (finding.remedy) console.log(`      -> ${finding.remedy}`);
}
const errors = findings.filter((finding) => finding.level === 'error').length;
console.log(errors ? `doctor: ${errors} problem(s) to fix` : 'doctor: no problems');
process.exit(errors ? 1 : 0);

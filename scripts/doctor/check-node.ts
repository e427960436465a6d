import { error, ok, type Finding } from './finding.js';

/** Node 20.19+ or 22.12+ (Prisma 7 and ESLint 10 need it), as package.json's engines say. */
export function checkNode(version = process.versions.node): Finding[] {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const supported = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22;
  if (supported) return [ok('Node.js', `${version}${major === 20 ? ' (past its end of life: 22 or 24 LTS is better)' : ''}`)];
  return [error('Node.js', `${version} is not supported`, 'install Node 22 or 24 LTS (or 20.19+), for example with nvm: nvm install 22')];
}

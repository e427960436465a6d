import { createHash } from 'node:crypto';

/** sha256 of the file, lowercase hex: the value Prisma Migrate keeps in `_prisma_migrations.checksum`. */
export function checksumOf(script: string | Buffer): string {
  return createHash('sha256').update(script).digest('hex');
}

/**
 * Prisma Migrate's comparison: a checkout that only changed line endings (git's autocrlf on
 * Windows) still matches, so both tools call the same file "unchanged".
 */
export function matchesChecksum(script: string, recorded: string): boolean {
  return [script, script.replaceAll('\r\n', '\n'), script.replaceAll('\n', '\r\n')].some((variant) => checksumOf(variant) === recorded);
}

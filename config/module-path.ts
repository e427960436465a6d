import { fileURLToPath } from 'node:url';

/**
 * The path of a module next to `from` (an `import.meta.url`), with the extension the running code
 * has: `.ts` from the sources (tsx, vitest), `.js` from the compiled build in `dist/`. The workflow
 * bundler and the failure converter are given file paths, not imports, so the compiler cannot
 * rewrite them.
 */
export function modulePath(relative: string, from: string): string {
  const compiled = from.endsWith('.js');
  return fileURLToPath(new URL(compiled ? relative.replace(/\.ts$/, '.js') : relative, from));
}

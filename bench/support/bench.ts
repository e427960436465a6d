import type { Figure } from './results.js';

/** Options after the bench's name: `--n 200 --concurrency 32` (numbers) or flags. */
export interface BenchOptions {
  number(name: string, fallback: number): number;
  flag(name: string): boolean;
}

export interface BenchOutcome {
  readonly options: Record<string, unknown>;
  readonly figures: Figure[];
  readonly notes: string[];
}

/** A bench of bench/main.ts: measures ours beside the raw reference and returns the figures. */
export type BenchRun = (options: BenchOptions) => Promise<BenchOutcome>;

export function parseOptions(args: readonly string[]): BenchOptions & { compare?: string } {
  const values = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}: options look like --name value`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const next = args[i + 1];
    if (inline !== undefined) values.set(name, inline);
    else if (next !== undefined && !next.startsWith('--')) values.set(name, args[++i]!);
    else values.set(name, true);
  }
  const compare = values.get('compare');
  return {
    ...(typeof compare === 'string' ? { compare } : {}),
    number(name, fallback) {
      const value = values.get(name);
      if (value === undefined) return fallback;
      const parsed = Number(value);
      if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} must be a number, not ${String(value)}`);
      return parsed;
    },
    flag: (name) => values.get(name) === true,
  };
}

import type { Figure } from './results.js';

/** Options after the bench's name: `--n 200 --concurrency 32` (numbers) or flags. */
export interface BenchOptions {
  number(name: string, fallback: number): number;
  /** A comma-separated list of numbers, like `--levels 0,5000,20000`. */
  numbers(name: string, fallback: readonly number[]): number[];
  flag(name: string): boolean;
}

export interface BenchOutcome {
  readonly options: Record<string, unknown>;
  readonly figures: Figure[];
  readonly notes: string[];
}

/** A bench of bench/main.ts: measures ours beside the raw reference and returns the figures. */
export type BenchRun = (options: BenchOptions) => Promise<BenchOutcome>;

function nonNegative(name: string, value: string | true): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} must be a number or a list of numbers, not ${String(value)}`);
  return parsed;
}

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
      return value === undefined ? fallback : nonNegative(name, value);
    },
    numbers(name, fallback) {
      const value = values.get(name);
      return value === undefined ? [...fallback] : String(value).split(',').map((part) => nonNegative(name, part));
    },
    flag: (name) => values.get(name) === true,
  };
}

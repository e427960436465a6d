// Figures of a bench: each measured through our code and by the raw-Temporal reference in
// interleaved rounds (ours, raw, ours, raw…), summarised as min / median / max and the ratio of
// medians, printed and written to bench/results/<name>-<ISO time>.json for --compare.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Summary {
  readonly samples: number[];
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export interface Figure {
  /** What is measured, like "create (no key)". */
  readonly label: string;
  /** The unit of the samples, like "starts/s" or "ms". */
  readonly unit: string;
  /** Whether more is better (rates) or less (latencies): says which way the ratio reads. */
  readonly higherIsBetter: boolean;
  readonly ours: Summary;
  readonly raw: Summary;
  /** ours.median / raw.median. */
  readonly ratio: number;
  /** What the two sides are when they are not ours and raw Temporal (like "backlog" and "no backlog"). */
  readonly sides?: readonly [string, string];
}

export interface BenchResult {
  readonly bench: string;
  readonly startedAt: string;
  readonly options: Record<string, unknown>;
  readonly machine: { readonly node: string; readonly cpus: number; readonly loadBefore: number[]; readonly loadAfter: number[]; readonly uptime: string };
  readonly figures: Figure[];
  readonly notes: string[];
}

export function summarise(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  // The median of an even count is the mean of the middle two.
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { samples: [...samples], min: sorted[0] ?? NaN, median, max: sorted.at(-1) ?? NaN };
}

export function figure(label: string, unit: string, higherIsBetter: boolean, ours: readonly number[], raw: readonly number[], sides?: readonly [string, string]): Figure {
  const o = summarise(ours);
  const r = summarise(raw);
  return { label, unit, higherIsBetter, ours: o, raw: r, ratio: o.median / r.median, ...(sides ? { sides } : {}) };
}

/** Runs `rounds` of each side, alternating ours, raw, ours, raw…, and returns their samples. */
export async function interleaved(rounds: number, ours: (round: number) => Promise<number>, raw: (round: number) => Promise<number>): Promise<{ ours: number[]; raw: number[] }> {
  const result = { ours: [] as number[], raw: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    result.ours.push(await ours(round));
    result.raw.push(await raw(round));
  }
  return result;
}

const fmt = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2));
const line = (s: Summary, unit: string) => `${fmt(s.min)} / ${fmt(s.median)} / ${fmt(s.max)} ${unit}`;

export function printFigure(f: Figure): void {
  const [ours, raw] = f.sides ?? ['ours', 'raw'];
  const width = Math.max(ours.length, raw.length);
  console.log(`${f.label}`);
  console.log(`  ${ours.padEnd(width)} (min / median / max): ${line(f.ours, f.unit)}   [${f.ours.samples.map(fmt).join(', ')}]`);
  console.log(`  ${raw.padEnd(width)} (min / median / max): ${line(f.raw, f.unit)}   [${f.raw.samples.map(fmt).join(', ')}]`);
  console.log(`  ratio of medians ${ours}/${raw}: ${f.ratio.toFixed(2)}× (${f.higherIsBetter ? 'higher' : 'lower'} is better)`);
}

export function machineNow(): { load: number[]; uptime: string } {
  let uptime: string;
  try {
    uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    uptime = `load ${loadavg().map((l) => l.toFixed(2)).join(', ')}`;
  }
  return { load: loadavg(), uptime };
}

const resultsDir = fileURLToPath(new URL('../results', import.meta.url));

/** Writes the result under bench/results/ and returns the file's path. */
export async function saveResult(result: Omit<BenchResult, 'machine'> & { loadBefore: number[] }): Promise<string> {
  const { loadBefore, ...rest } = result;
  const after = machineNow();
  const full: BenchResult = { ...rest, machine: { node: process.version, cpus: cpus().length, loadBefore, loadAfter: after.load, uptime: after.uptime } };
  await mkdir(resultsDir, { recursive: true });
  const path = join(resultsDir, `${result.bench}-${result.startedAt.replace(/[:.]/g, '-')}.json`);
  await writeFile(path, `${JSON.stringify(full, null, 2)}\n`);
  console.log(`machine: ${after.uptime}`);
  console.log(`results written to ${path}`);
  return path;
}

/** Prints, figure by figure, how this run's medians and ratio differ from an earlier run's file. */
export async function printComparison(current: readonly Figure[], earlierPath: string): Promise<void> {
  const earlier = JSON.parse(await readFile(earlierPath, 'utf8')) as BenchResult;
  console.log(`\ncompared with ${earlierPath} (${earlier.startedAt}, load then ${earlier.machine.loadBefore.map((l) => l.toFixed(2)).join(', ')}):`);
  for (const f of current) {
    const before = earlier.figures.find((e) => e.label === f.label);
    if (!before) {
      console.log(`  ${f.label}: not in the earlier run`);
      continue;
    }
    const change = (now: number, then: number) => `${then === 0 ? 'n/a' : `${(((now - then) / then) * 100).toFixed(0)}%`}`;
    console.log(`  ${f.label}: ours ${fmt(before.ours.median)} → ${fmt(f.ours.median)} ${f.unit} (${change(f.ours.median, before.ours.median)}), raw ${fmt(before.raw.median)} → ${fmt(f.raw.median)} (${change(f.raw.median, before.raw.median)}), ratio ${before.ratio.toFixed(2)}× → ${f.ratio.toFixed(2)}×`);
  }
}

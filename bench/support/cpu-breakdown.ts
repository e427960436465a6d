// Where the machine's CPU went during a stretch of work, by process kind: which side of a bench
// pays for what, and whether the machine was out of CPU (idle) or waiting on the disk (iowait).
import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds, ticksPerSecond } from './process-cpu.js';

export interface CpuSnapshot {
  readonly byKind: Readonly<Record<string, number>>;
  /** Machine-wide seconds (summed over cores) from /proc/stat. */
  readonly busy: number;
  readonly idle: number;
  readonly iowait: number;
}

function machineSeconds(): { busy: number; idle: number; iowait: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number) as number[];
  return { busy: (user! + nice! + system! + irq! + softirq! + steal!) / ticksPerSecond, idle: idle! / ticksPerSecond, iowait: iowait! / ticksPerSecond };
}

/** Pids whose command name (comm) starts with `prefix`: the PostgreSQL backends, the Temporal server. */
function pidsNamed(prefix: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith(prefix);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * CPU seconds used so far by each kind of process. `own` names pids the bench knows (the API, the
 * bench itself); `postgres` and `temporal` are found by name, so other sessions' servers of the
 * same name count too (read `idle` beside them). Backends that exit between two snapshots are lost.
 */
export function cpuSnapshot(own: Readonly<Record<string, number>>): CpuSnapshot | undefined {
  try {
    const byKind: Record<string, number> = {};
    for (const [kind, pid] of Object.entries(own)) byKind[kind] = cpuSeconds([pid]) ?? 0;
    byKind.postgres = cpuSeconds(pidsNamed('postgres')) ?? 0;
    byKind.temporal = cpuSeconds(pidsNamed('temporal')) ?? 0;
    return { byKind, ...machineSeconds() };
  } catch {
    return undefined;
  }
}

/** `after - before` per kind, per `units` (say, CPU milliseconds per create); undefined off Linux. */
export function cpuPer(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined, units: number): Record<string, number> | undefined {
  if (!before || !after) return undefined;
  const per: Record<string, number> = {};
  for (const kind of Object.keys(after.byKind)) per[kind] = ((after.byKind[kind]! - (before.byKind[kind] ?? 0)) * 1000) / units;
  per['machine busy'] = ((after.busy - before.busy) * 1000) / units;
  per['machine idle'] = ((after.idle - before.idle) * 1000) / units;
  per['machine iowait'] = ((after.iowait - before.iowait) * 1000) / units;
  return per;
}

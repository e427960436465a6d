// CPU time of processes (user + system), read from /proc: how much of a core the worker processes
// spent on a stretch of work. Linux only; elsewhere it answers undefined and benches print no CPU.
import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
export const ticksPerSecond = 100;

/** CPU seconds the processes have used so far, or undefined where /proc cannot tell. */
export function cpuSeconds(pids: readonly number[]): number | undefined {
  try {
    return pids.reduce((sum, pid) => {
      // The command name (field 2) is in parentheses and may hold spaces: count fields after its ")".
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return sum + (Number(fields[11]) + Number(fields[12])) / ticksPerSecond; // utime, stime: fields 14 and 15
    }, 0);
  } catch {
    return undefined;
  }
}

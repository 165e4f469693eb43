import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds used so far by this process and by all processes whose command line contains `match`. */
export function cpuSeconds(match = 'postgres'): { self: number; others: number } {
  const ticks = 100;
  const read = (pid: string) => {
    // The command name (in parentheses) may itself contain ") ": the fields start after the last one.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  };
  let others = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(match)) others += read(pid);
    } catch {
      // the process ended meanwhile
    }
  }
  return { self: read(String(process.pid)), others };
}

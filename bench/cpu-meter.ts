import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time (user + system, ms) of a process tree from /proc, grouped by the role each process
 * plays: the tree's root ("stack") and the PostgreSQL processes under it ("postgres"). Reading
 * CPU time instead of wall time keeps the breakdown meaningful on a busy shared machine.
 */
export interface TreeCpu {
  stack: number;
  postgres: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  cpuMs: number;
}

function readStat(pid: string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // After "pid (comm)": state ppid … utime is field 14, stime 15 (1-based over the whole line).
    return {
      pid: Number(pid),
      ppid: Number(fields[1]),
      comm,
      cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
    };
  } catch {
    return undefined; // exited between readdir and read
  }
}

/** CPU time of each process in the tree now, by pid (the root and the PostgreSQL processes under it). */
export function treeSnapshot(rootPid: number): Map<number, { role: keyof TreeCpu; cpuMs: number }> {
  const stats = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(readStat)
    .filter((s): s is ProcStat => s !== undefined);
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const inTree = (s: ProcStat): boolean => {
    for (let p: ProcStat | undefined = s; p; p = byPid.get(p.ppid)) if (p.pid === rootPid) return true;
    return false;
  };
  const snapshot = new Map<number, { role: keyof TreeCpu; cpuMs: number }>();
  for (const s of stats) {
    if (s.pid === rootPid) snapshot.set(s.pid, { role: 'stack', cpuMs: s.cpuMs });
    else if (s.comm === 'postgres' && inTree(s)) snapshot.set(s.pid, { role: 'postgres', cpuMs: s.cpuMs });
  }
  return snapshot;
}

/**
 * CPU used between two snapshots. A process that started in between counts whole; one that
 * exited in between is lost (its time is no longer readable), so keep pools from recycling.
 */
export function cpuBetween(
  before: ReturnType<typeof treeSnapshot>,
  after: ReturnType<typeof treeSnapshot>,
): TreeCpu {
  const used: TreeCpu = { stack: 0, postgres: 0 };
  for (const [pid, now] of after) used[now.role] += now.cpuMs - (before.get(pid)?.cpuMs ?? 0);
  return used;
}

// CPU seconds spent during a window by the processes of a crawl or a server sync: this process (the Regatta server,
// its workers and the bench's own polling, all in one) with any `regatta worker` processes, the embedded database
// (PGlite, a child process of this one) and the registries. Read from /proc/<pid>/stat (utime + stime, clock ticks) and process.cpuUsage(); Linux only, a
// process that cannot be read counts as absent. PostgreSQL's backends are not ours to watch: left out.
import { readdir, readFile } from 'node:fs/promises';

const TICKS_PER_SECOND = 100; // `getconf CLK_TCK` on Linux

export interface CpuPids {
  /** The registry, or several (summed). */
  registry: number | number[];
  /** The embedded database process, when there is one. */
  database?: number;
  /** Regatta's other processes (`regatta worker`), counted with this one. */
  workers?: number[];
}

export interface CpuSeconds {
  regatta: number;
  database?: number;
  registry?: number;
}

/** utime + stime of the processes in seconds, or undefined when one cannot be read. */
async function sumCpuSeconds(pids: number[]): Promise<number | undefined> {
  let sum = 0;
  for (const pid of pids) {
    const s = await procCpuSeconds(pid);
    if (s === undefined) return undefined;
    sum += s;
  }
  return sum;
}

/** utime + stime of `pid` in seconds, or undefined when it cannot be read. */
async function procCpuSeconds(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces, so split after its closing parenthesis).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The embedded PGlite server this process forked (store/embedded.ts), if any: its PID and pgdata folder. */
export async function embeddedDatabase(): Promise<{ pid: number; pgdata: string } | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0');
      const script = argv.findIndex((a) => a.includes('pglite-server'));
      if (script >= 0) return { pid: Number(entry), pgdata: argv[script + 1] ?? '' };
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

async function snapshot(pids: CpuPids): Promise<CpuSeconds> {
  const own = process.cpuUsage();
  const workers = (await sumCpuSeconds(pids.workers ?? [])) ?? 0;
  return {
    regatta: (own.user + own.system) / 1e6 + workers,
    registry: await sumCpuSeconds([pids.registry].flat()),
    database: pids.database === undefined ? undefined : await procCpuSeconds(pids.database),
  };
}

const diff = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : b - a);

/** Starts a window; the function it returns ends it and gives each process's CPU seconds within it. */
export async function cpuWindow(pids: CpuPids): Promise<() => Promise<CpuSeconds>> {
  const before = await snapshot(pids);
  return async () => {
    const after = await snapshot(pids);
    return {
      regatta: after.regatta - before.regatta,
      registry: diff(before.registry, after.registry),
      database: diff(before.database, after.database),
    };
  };
}

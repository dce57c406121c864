// A Regatta server for bench:scan (test/integration/server.ts startServer) with its embedded database process
// known by PID, and the peak memory of both processes. The runtime forks PGlite (src/store/embedded.ts) and keeps
// the child to itself, so the PIDs of this process's new pglite-server children are read from /proc right after
// the start; an exit hook SIGKILLs those still alive and removes their data dirs (a benchmark interrupted
// between start and stop; a normal stop ends and removes them itself). Peak RSS per run: Linux resets a process's high-water mark (VmHWM) when 5 is written
// to /proc/self/clear_refs; where that is refused, the process's lifetime peak is reported (and said so).
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type ServerOptions, startServer, type TestServer } from '../../test/integration/server.js';

export interface BenchServer extends TestServer {
  /** PIDs of the embedded database's processes. */
  databasePids: number[];
}

/** Database processes of servers not yet stopped, with their server's data dir; killed and removed on exit. */
const liveDatabases = new Map<number, string | undefined>();
let hooked = false;

function killLiveDatabases(): void {
  for (const [pid, dataDir] of liveDatabases) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  liveDatabases.clear();
}

/** startServer's temp data dir, from the database process's last argument (`<dataDir>/pgdata`), if it is one. */
function dataDirOf(pid: number): string | undefined {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const dir = dirname(args.at(-1) ?? '');
    return dir.startsWith(join(tmpdir(), 'regatta-server-')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Direct children of this process whose command line mentions `name`. */
function childrenNamed(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(name)) pids.push(Number(entry));
    } catch {
      // exited while listed
    }
  }
  return pids;
}

export async function startBenchServer(opts: ServerOptions): Promise<BenchServer> {
  if (!hooked) {
    hooked = true;
    process.on('exit', killLiveDatabases);
  }
  const before = new Set(childrenNamed('pglite-server'));
  const server = await startServer(opts);
  const databasePids = childrenNamed('pglite-server').filter((pid) => !before.has(pid));
  for (const pid of databasePids) liveDatabases.set(pid, dataDirOf(pid));
  return {
    ...server,
    databasePids,
    stop: async () => {
      try {
        await server.stop();
      } finally {
        for (const pid of databasePids) {
          if (isAlive(pid)) process.kill(pid, 'SIGKILL');
          liveDatabases.delete(pid);
        }
      }
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts a new peak-RSS measurement of this process; false when the kernel refused (the peak is then lifetime). */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Peak RSS (VmHWM) of a process in MiB; for this process falls back to resourceUsage; null when unreadable. */
export function peakRssMiB(pid: number | 'self'): number | null {
  try {
    const kib = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    if (kib) return Number(kib) / 1024;
  } catch {
    // gone, or no /proc
  }
  return pid === 'self' ? process.resourceUsage().maxRSS / 1024 : null;
}

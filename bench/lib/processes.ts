// Runs one benchmarked command under GNU time (`/usr/bin/time -f '%e %M' -o FILE`): wall seconds and peak RSS
// (KiB) of the command. Each command is its own process group (time is the leader, its PID the group id), so a
// timeout or an interrupted benchmark ends exactly the processes this file started, by that PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface Measured {
  /** Wall-clock seconds, as GNU time measured them. */
  wallS: number;
  /** Peak resident set size of the command, KiB. */
  maxRssKiB: number;
  /** CPU seconds of the command (user + system). */
  cpuS: number;
  stdout: string;
  stderr: string;
}

export interface TimedOptions {
  env: NodeJS.ProcessEnv;
  /** Where GNU time writes its line. */
  timeFile: string;
  timeoutMs?: number;
  cwd?: string;
}

const TIME = '/usr/bin/time';
const OUTPUT_LIMIT = 64 * 1024;

/** Process groups started here and not yet reaped; the hooks kill them. */
const live = new Set<ChildProcess>();
let hooked = false;

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL'); // the group led by our own child: time and the command it runs
  } catch {
    // already gone
  }
}

/** Kills what is still running when the benchmark exits or is interrupted; call before starting anything. */
export function installKillHook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const child of live) killGroup(child);
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      console.error(`\nbench: ${signal}, stopping the processes it started`);
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)); // 'exit' hooks kill and clean up
    });
  }
}

function keepTail(text: string, more: Buffer): string {
  const all = text + more.toString();
  return all.length > OUTPUT_LIMIT ? all.slice(-OUTPUT_LIMIT) : all;
}

/** Runs `cmd args…` under GNU time; rejects (with the command's stderr) unless it exits 0. */
export async function timed(cmd: string, args: string[], opts: TimedOptions): Promise<Measured> {
  const child = spawn(TIME, ['-f', '%e %M %U %S', '-o', opts.timeFile, cmd, ...args], {
    // Benchmarks reach loopback only: a `regatta serve`/`worker` here downloads no advisories.
    env: { ...(opts.env ?? process.env), REGATTA_VULNDB_UPDATE: 'off' },
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout = keepTail(stdout, d);
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr = keepTail(stderr, d);
  });
  const timeoutMs = opts.timeoutMs ?? 600_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child);
  }, timeoutMs);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c) => resolve(c));
    });
    const what = `${cmd} ${args.join(' ')}`;
    if (timedOut) throw new Error(`${what}: killed after ${timeoutMs} ms\n${stderr.trim()}`);
    if (code !== 0) throw new Error(`${what}: exit ${code}\n${stderr.trim()}`);
    const line = (await readFile(opts.timeFile, 'utf8')).trim().split('\n').pop()!;
    const [wallS, maxRssKiB, user, system] = line.split(' ').map(Number) as [number, number, number, number];
    if (![wallS, maxRssKiB, user, system].every(Number.isFinite)) throw new Error(`${what}: no GNU time figures`);
    return { wallS, maxRssKiB, cpuS: user + system, stdout, stderr };
  } finally {
    clearTimeout(timer);
    killGroup(child);
    live.delete(child);
  }
}

// The docker-registry process side of the harness: spawning it with its output in a log file, waiting until it
// answers, stopping it by PID (SIGTERM, then SIGKILL), and a module-level set of live registries that an exit and
// signal hook kill, so none outlives a crashed or interrupted test process.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** Registries not yet stopped, with their temp dirs; the exit hook kills them (SIGKILL by PID), removes the dirs. */
const live = new Map<ChildProcess, string>();
let hooked = false;

export function track(child: ChildProcess, dir: string): void {
  live.set(child, dir);
}

export function untrack(child: ChildProcess): void {
  live.delete(child);
}

function killLiveRegistries(): void {
  for (const [child, dir] of live) {
    if (child.pid !== undefined && isRunning(child)) process.kill(child.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  live.clear();
}

/** On a fatal signal: kill the registries, then die of the signal unless someone else handles it. */
function onSignal(signal: NodeJS.Signals): void {
  killLiveRegistries();
  if (process.listenerCount(signal) > 1) return;
  process.off(signal, onSignal);
  process.kill(process.pid, signal);
}

export function installExitHook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killLiveRegistries);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
}

export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

export async function logTail(logPath: string): Promise<string> {
  const text = await readFile(logPath, 'utf8').catch(() => '');
  return text.slice(-4000);
}

/** The environment without REGISTRY_* variables: Distribution reads them as config overrides. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('REGISTRY_')));
}

export function spawnRegistry(configPath: string, logPath: string): ChildProcess {
  const log = openSync(logPath, 'w');
  try {
    const child = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', log, log], env: cleanEnv() });
    child.unref(); // a forgotten registry must not keep the test process alive; the exit hook kills it
    return child;
  } finally {
    closeSync(log);
  }
}

/** Polls `GET /v2/` until it answers 200 or 401; 'exited' if the process died first (e.g. port taken). */
export async function waitReady(url: string, child: ChildProcess): Promise<'ready' | 'exited' | 'timeout'> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!isRunning(child)) return 'exited';
    try {
      const res = await request(`${url}/v2/`, { headersTimeout: 1000, bodyTimeout: 1000 });
      await res.body.dump();
      if (res.statusCode === 200 || res.statusCode === 401) return 'ready';
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  return 'timeout';
}

/** SIGTERM by PID, wait up to 5 s, then SIGKILL; resolves once the process has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || !isRunning(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (isRunning(child) && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  }, STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

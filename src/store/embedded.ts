// Starts and stops the embedded database process (pglite-server.ts): PGlite served on a loopback port, in a
// child process so its synchronous WASM never blocks this process's event loop. The child is the same Node
// with the same flags (so `--import tsx` carries over in tests) running the server script that sits next to
// this module with this module's extension: src/store/pglite-server.ts under tsx, dist/pglite-server.mjs next
// to the dist/regatta.mjs bundle, pglite-server.js next to tsc output.
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StoreError } from './errors.js';
import type { ServerMessage } from './pglite-server.js';

/** A running embedded database process. */
export interface EmbeddedServer {
  /** PID of the child process. */
  readonly pid: number;
  /** Loopback port it serves the PostgreSQL wire protocol on. */
  readonly port: number;
  /** node-postgres connection string for it. */
  readonly connectionString: string;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves once the process is gone. Idempotent. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Default time for initdb (3–8 s on a fresh data dir) or a reopen, with room for slow machines. */
const START_TIMEOUT_MS = 120_000;
/** Default time PGlite gets to close cleanly before SIGKILL. */
const STOP_TIMEOUT_MS = 10_000;

/** The server script next to this module, with this module's extension. */
export function serverScript(): string {
  const ext = extname(new URL(import.meta.url).pathname) || '.js';
  return fileURLToPath(new URL(`./pglite-server${ext}`, import.meta.url));
}

/**
 * This process's Node flags (loaders such as `--import tsx` must carry over) minus those that would make the
 * child something else: a test runner, a watcher, a debuggee, or an evaluator of this process's `-e` code.
 */
export function childExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (/^(-e|--eval|-p|--print)$/.test(arg))
      i++; // and its value
    else if (!/^(--test|--watch|--inspect|--eval=|--print=|--input-type)/.test(arg) && !/^-[ep]./.test(arg))
      out.push(arg);
  }
  return out;
}

/**
 * Starts PGlite on `pgdataDir` in a child process and waits until it listens. `onSpawn` gets the child's PID
 * as soon as it exists (database.ts records it in the data dir lock).
 * @throws StoreError `EMBEDDED_START_FAILED` when it reports a failure, exits, or is not ready in time.
 */
export async function startEmbeddedServer(
  pgdataDir: string,
  opts: { startTimeoutMs?: number; onSpawn?: (pid: number) => Promise<void> } = {},
): Promise<EmbeddedServer> {
  const child = fork(serverScript(), [pgdataDir], {
    execPath: process.execPath,
    execArgv: childExecArgv(),
    // The child's stdout goes to our stderr: stdout may carry command output (or node:test's protocol).
    stdio: ['ignore', 2, 2, 'ipc'],
  });
  const exited = once(child, 'exit').then(() => undefined);
  const readyOrFailed = waitReady(child, opts.startTimeoutMs ?? START_TIMEOUT_MS);
  readyOrFailed.catch(() => {}); // awaited below; not unhandled if onSpawn throws first
  let ready: Extract<ServerMessage, { type: 'ready' }>;
  try {
    if (child.pid !== undefined) await opts.onSpawn?.(child.pid);
    ready = await readyOrFailed;
  } catch (err) {
    await kill(child, exited, 1_000);
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return {
    pid: ready.pid,
    port: ready.port,
    connectionString: `postgres://postgres@127.0.0.1:${ready.port}/postgres`,
    stop(timeoutMs = STOP_TIMEOUT_MS) {
      stopping ??= kill(child, exited, timeoutMs);
      return stopping;
    },
  };
}

function waitReady(child: ChildProcess, timeoutMs: number): Promise<Extract<ServerMessage, { type: 'ready' }>> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      cleanup();
      reject(new StoreError('EMBEDDED_START_FAILED', `embedded database did not start: ${why}`));
    };
    const onMessage = (message: ServerMessage) => {
      if (message.type === 'ready') {
        cleanup();
        resolve(message);
      } else fail(message.message);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`its process exited (${signal ?? `code ${code}`})`);
    const onError = (err: Error) => fail(err.message);
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
    function cleanup() {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.on('error', onError);
  });
}

/** SIGTERM (PGlite closes cleanly), then SIGKILL after `timeoutMs`; resolves when the process has exited. */
async function kill(child: ChildProcess, exited: Promise<void>, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), timeoutMs);
  });
  const killed = await Promise.race([exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (killed) {
    child.kill('SIGKILL');
    await exited;
  }
}

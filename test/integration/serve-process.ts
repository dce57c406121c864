// `regatta serve` as a child process on the embedded database, for tests that stop or kill it (crash, shutdown):
// its own project and token, warn-level logs, no advisory download (tests reach loopback only).
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from '../support/until.js';

const ENTRY = fileURLToPath(new URL('../../src/cli/run.ts', import.meta.url));

export function spawnServe(opts: {
  port: number;
  dataDir: string;
  project: string;
  token: string;
  env?: Record<string, string>;
  stdio?: StdioOptions;
}): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', ENTRY, 'serve', '--port', String(opts.port), '--data-dir', opts.dataDir],
    {
      env: {
        ...process.env,
        DATABASE_URL: '',
        REGATTA_BOOTSTRAP_PROJECT_ID: opts.project,
        REGATTA_BOOTSTRAP_TOKEN: opts.token,
        REGATTA_LOG_LEVEL: 'warn',
        REGATTA_VULNDB_UPDATE: 'off',
        ...opts.env,
      },
      stdio: opts.stdio ?? ['ignore', 'ignore', 'inherit'],
    },
  );
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Its stderr, line by line (one JSON line per job done). */
  lines: string[];
  /** Stops it (SIGTERM), waits for its exit and removes its data dir. */
  stop(): Promise<void>;
}

/** `regatta worker` as a child process on PostgreSQL `databaseUrl`, sharing `secretKey`; resolves once running. */
export async function startWorkerProcess(
  databaseUrl: string,
  secretKey: string,
  opts: { concurrency?: number; env?: Record<string, string> } = {},
): Promise<WorkerProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'regatta-worker-'));
  const args = [
    '--import',
    'tsx',
    ENTRY,
    'worker',
    '--data-dir',
    dataDir,
    '--concurrency',
    String(opts.concurrency ?? 1),
  ];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REGATTA_SECRET_KEY: secretKey,
      REGATTA_VULNDB_UPDATE: 'off',
      ...opts.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  let buffer = '';
  child.stderr!.on('data', (d: Buffer) => {
    buffer += d.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  await until('worker running', async () => (lines.some((l) => l.includes('running')) ? true : undefined));
  return {
    child,
    lines,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// `regatta serve` as a child process on the embedded database, for tests that stop or kill it (crash, shutdown):
// its own project and token, warn-level logs, no advisory download (tests reach loopback only).
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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

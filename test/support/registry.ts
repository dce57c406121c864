// Starts real CNCF Distribution registries (`docker-registry serve CONFIG`) on free loopback ports, each with its
// own temp storage, optional Basic (htpasswd) or token auth and notifications. The process handling (stop by
// PID, the kill-on-exit hook for registries a crashed test left behind) is in registry-process.ts.
import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, LOOPBACK } from './ports.js';
import { type RegistryConfigInput, registryConfig } from './registry-config.js';
import { installExitHook, logTail, spawnRegistry, stopChild, track, untrack, waitReady } from './registry-process.js';
import { startTokenIssuer, type TokenIssuer } from './token-issuer.js';

export type RegistryAuth = 'none' | 'basic' | 'token';

export interface RegistryOptions {
  auth?: RegistryAuth;
  notifications?: { url: string; token: string };
  /** `storage.delete.enabled` (default true). */
  deleteEnabled?: boolean;
  /** Token mode: let callers without credentials pull. */
  anonymousPull?: boolean;
}

export interface TestRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  auth: RegistryAuth;
  username?: string;
  password?: string;
  pid: number;
  /** Temp dir with config, storage (`storage/`) and the registry's log (`registry.log`). */
  dir: string;
  tokenIssuer?: TokenIssuer;
  stop(): Promise<void>;
}

const START_ATTEMPTS = 4;
const USERNAME = 'regatta';

interface AuthSetup {
  config: Pick<RegistryConfigInput, 'htpasswdPath' | 'token'>;
  username?: string;
  password?: string;
  tokenIssuer?: TokenIssuer;
}

async function setUpAuth(auth: RegistryAuth, dir: string, anonymousPull: boolean): Promise<AuthSetup> {
  if (auth === 'none') return { config: {} };
  const password = randomBytes(12).toString('hex');
  if (auth === 'basic') {
    const htpasswdPath = join(dir, 'htpasswd');
    await promisify(execFile)('htpasswd', ['-Bbc', htpasswdPath, USERNAME, password]);
    return { config: { htpasswdPath }, username: USERNAME, password };
  }
  const service = 'regatta-test-registry';
  const issuer = 'regatta-test-issuer';
  const tokenIssuer = await startTokenIssuer({ service, issuer, username: USERNAME, password, anonymousPull });
  const token = { realm: tokenIssuer.url, service, issuer, rootcertbundle: tokenIssuer.certPath };
  return { config: { token }, username: USERNAME, password, tokenIssuer };
}

interface Launched {
  child: ChildProcess;
  port: number;
}

/** One attempt on a fresh free port; undefined when the port was taken meanwhile (the caller retries). */
async function launch(dir: string, input: Omit<RegistryConfigInput, 'port'>): Promise<Launched | undefined> {
  const port = await freePort();
  const configPath = join(dir, 'config.yml');
  const logPath = join(dir, 'registry.log');
  await writeFile(configPath, JSON.stringify(registryConfig({ ...input, port }), null, 2));
  const child = spawnRegistry(configPath, logPath);
  track(child, dir);
  const state = await waitReady(`http://${LOOPBACK}:${port}`, child);
  if (state === 'ready') return { child, port };
  await stopChild(child);
  untrack(child);
  const tail = await logTail(logPath);
  if (state === 'exited' && /address already in use/i.test(tail)) return undefined;
  throw new Error(`docker-registry did not start (${state}); log tail:\n${tail}`);
}

export async function startRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  installExitHook();
  const auth = opts.auth ?? 'none';
  const dir = await mkdtemp(join(tmpdir(), 'regatta-registry-'));
  const setup = await setUpAuth(auth, dir, !!opts.anonymousPull).catch(async (err) => {
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  const input = {
    ...setup.config,
    storageDir: join(dir, 'storage'),
    deleteEnabled: opts.deleteEnabled ?? true,
    notifications: opts.notifications,
  };
  let launched: Launched | undefined;
  try {
    for (let attempt = 0; attempt < START_ATTEMPTS && !launched; attempt++) launched = await launch(dir, input);
    if (!launched) throw new Error(`docker-registry: no free port after ${START_ATTEMPTS} attempts`);
  } catch (err) {
    await setup.tokenIssuer?.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return toTestRegistry(launched, dir, auth, setup);
}

function toTestRegistry({ child, port }: Launched, dir: string, auth: RegistryAuth, setup: AuthSetup): TestRegistry {
  const host = `${LOOPBACK}:${port}`;
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    await stopChild(child);
    untrack(child);
    await setup.tokenIssuer?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  return {
    host,
    url: `http://${host}`,
    auth,
    username: setup.username,
    password: setup.password,
    pid: child.pid as number,
    dir,
    tokenIssuer: setup.tokenIssuer,
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}

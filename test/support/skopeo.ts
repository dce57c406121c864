// Runs skopeo 1.9 as the independent checker of what ends up in a test registry: always with an accept-anything
// policy file, TLS verification off (loopback registries speak plain http), an empty auth file and
// registries.conf (nothing from the machine leaks in), explicit credentials and a timeout.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { sha256Hex } from './digest.js';

export interface Creds {
  username?: string;
  password?: string;
}

export interface SkopeoOptions {
  /** Kill skopeo (SIGKILL) after this long; default 120 s. */
  timeoutMs?: number;
}

export interface CopyOptions extends SkopeoOptions {
  srcCreds?: Creds;
  destCreds?: Creds;
  /** Copy every platform of an index (`--all`). */
  all?: boolean;
  /** More `skopeo copy` flags, e.g. ['--retry-times', '3']. */
  args?: string[];
}

const TRANSPORTS = ['docker://', 'oci:', 'oci-archive:', 'dir:', 'docker-archive:', 'containers-storage:'];

let configDir: string | undefined;

/** Writes the policy, auth file and registries.conf once per process; removed when it exits. */
function config(): { policy: string; env: NodeJS.ProcessEnv } {
  if (!configDir) {
    const dir = mkdtempSync(join(tmpdir(), 'regatta-skopeo-'));
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    writeFileSync(join(dir, 'auth.json'), JSON.stringify({ auths: {} }));
    writeFileSync(join(dir, 'registries.conf'), '');
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    configDir = dir;
  }
  const env = {
    ...process.env,
    REGISTRY_AUTH_FILE: join(configDir, 'auth.json'),
    CONTAINERS_REGISTRIES_CONF: join(configDir, 'registries.conf'),
  };
  return { policy: join(configDir, 'policy.json'), env };
}

/** `docker://` unless the reference already names a transport. */
export function withTransport(ref: string): string {
  return TRANSPORTS.some((t) => ref.startsWith(t)) ? ref : `docker://${ref}`;
}

function credsArg(flag: string, creds?: Creds): string[] {
  return creds?.username ? [`${flag}=${creds.username}:${creds.password ?? ''}`] : [];
}

/** Runs `skopeo --policy P ARGS…`; resolves with stdout bytes, throws with the exit status and stderr. */
export function skopeo(args: string[], opts: SkopeoOptions = {}): Promise<Buffer> {
  const { policy, env } = config();
  const all = ['--policy', policy, ...args];
  const options = { env, encoding: 'buffer' as const, maxBuffer: 64 << 20, timeout: opts.timeoutMs ?? 120_000 };
  return new Promise((resolve, reject) => {
    execFile('skopeo', all, { ...options, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const status = err.killed ? `killed after ${options.timeout} ms` : `exit ${err.code ?? err.signal}`;
      reject(new Error(`skopeo ${args.join(' ')}: ${status}\n${stderr.toString().trim()}`));
    });
  });
}

/** The raw manifest bytes of `ref` (`HOST/REPO:TAG` or `HOST/REPO@DIGEST`), exactly as the registry serves them. */
export function skopeoInspectRaw(ref: string, creds?: Creds, opts?: SkopeoOptions): Promise<Buffer> {
  return skopeo(['inspect', '--raw', '--tls-verify=false', ...credsArg('--creds', creds), withTransport(ref)], opts);
}

/** `skopeo copy SRC DST` between plain-http registries (or other transports). */
export async function skopeoCopy(src: string, dst: string, opts: CopyOptions = {}): Promise<void> {
  const flags = ['--src-tls-verify=false', '--dest-tls-verify=false', ...(opts.all ? ['--all'] : [])];
  const creds = [...credsArg('--src-creds', opts.srcCreds), ...credsArg('--dest-creds', opts.destCreds)];
  const args = ['copy', ...flags, ...creds, ...(opts.args ?? []), withTransport(src), withTransport(dst)];
  await skopeo(args, opts);
}

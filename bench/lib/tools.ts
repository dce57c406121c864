// The two contenders as command lines: the compiled `regatta` CLI (bin/regatta.js → dist/) and skopeo, each
// with an environment that keeps the machine's configuration out (no Docker config.json for regatta; an empty
// auth file and registries.conf plus an accept-anything policy for skopeo, as test/support/skopeo.ts does).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Tool = 'regatta' | 'skopeo';

export interface Command {
  cmd: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export interface Tools {
  regatta(args: string[]): Command;
  skopeo(args: string[]): Command;
}

const REGATTA_BIN = fileURLToPath(new URL('../../bin/regatta.js', import.meta.url));
export const TLS_OFF = ['--src-tls-verify=false', '--dest-tls-verify=false'];

/**
 * `skopeo sync` of the repositories a YAML source file lists into `dest`, every platform, digests kept: the peer
 * of a namespace sync (`--src docker` takes one repository, and one skopeo per repository would be unfair to it).
 */
export const skopeoSyncArgs = (yaml: string, dest: string) => [
  'sync',
  '--src',
  'yaml',
  '--dest',
  'docker',
  '--all',
  '--preserve-digests',
  '--dest-tls-verify=false',
  yaml,
  dest,
];

/** Writes the configuration files under `dir` and returns command builders (regatta from `regattaBin`). */
export async function makeTools(dir: string, regattaBin = REGATTA_BIN): Promise<Tools> {
  const dockerConfig = join(dir, 'docker-config');
  await mkdir(dockerConfig, { recursive: true });
  await writeFile(join(dockerConfig, 'config.json'), '{"auths":{}}');
  const policy = join(dir, 'policy.json');
  await writeFile(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  await writeFile(join(dir, 'auth.json'), JSON.stringify({ auths: {} }));
  await writeFile(join(dir, 'registries.conf'), '');
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('REGISTRY_') && !k.startsWith('NODE_')),
  );
  const regattaEnv = { ...base, DOCKER_CONFIG: dockerConfig };
  const skopeoEnv = {
    ...base,
    REGISTRY_AUTH_FILE: join(dir, 'auth.json'),
    CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'),
  };
  return {
    regatta: (args) => ({ cmd: process.execPath, args: [regattaBin, ...args], env: regattaEnv }),
    skopeo: (args) => ({ cmd: 'skopeo', args: ['--policy', policy, ...args], env: skopeoEnv }),
  };
}

// The CLI's client of a running Regatta: server URL, token and project from flags, else the environment
// (REGATTA_URL, REGATTA_TOKEN, REGATTA_PROJECT), else ~/.config/regatta/config.json ({"url","token","project"}).
// The project goes in the HSS path (/v5/{project}/…) and, for Regatta's own API (/api/v1), in X-Project-Id.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { request } from 'undici';
import { RegattaError } from '../oci/errors.js';

export interface ServerFlags {
  server?: string;
  token?: string;
  project?: string;
}

export interface ApiClient {
  call<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    opts?: { query?: Record<string, unknown>; body?: unknown },
  ): Promise<T>;
}

/** Adds --server, --token and --project to a command. */
export function withServerFlags(cmd: Command): Command {
  return cmd
    .option('--server <url>', 'Regatta server (REGATTA_URL; default http://127.0.0.1:8480)')
    .option('--token <token>', 'API token (REGATTA_TOKEN)')
    .option('--project <id>', 'project id (REGATTA_PROJECT)');
}

export interface ApiClientOptions {
  /**
   * The project may go unnamed: the server then takes the credential's own, or the caller's only one (the identity
   * commands; server-level calls need none). Default false: USAGE error without one.
   */
  projectOptional?: boolean;
  /** No token (signing in): none is sent, not even one of the environment or the config file. */
  anonymous?: boolean;
}

/** The server URL the flags, the environment or the config file name (default http://127.0.0.1:8480). */
export async function serverUrl(flags: ServerFlags): Promise<string> {
  return flags.server ?? process.env.REGATTA_URL ?? (await readConfigFile()).url ?? 'http://127.0.0.1:8480';
}

export async function apiClient(flags: ServerFlags, options: ApiClientOptions = {}): Promise<ApiClient> {
  const file = await readConfigFile();
  const url = flags.server ?? process.env.REGATTA_URL ?? file.url ?? 'http://127.0.0.1:8480';
  const token = options.anonymous ? undefined : (flags.token ?? process.env.REGATTA_TOKEN ?? file.token);
  const project = flags.project ?? process.env.REGATTA_PROJECT ?? file.project;
  if (!token && !options.anonymous)
    throw new RegattaError('USAGE', 'no API token: give --token, REGATTA_TOKEN or a config file (regatta login)');
  if (!project && !options.projectOptional)
    throw new RegattaError('USAGE', 'no project: give --project, REGATTA_PROJECT or a config file');
  return {
    async call(method, path, opts = {}) {
      // Regatta's own API lives under /api/v1; every other path is an HSS path of the project.
      const native = path.startsWith('/api/');
      if (!native && !project) throw new RegattaError('USAGE', 'no project: give --project or REGATTA_PROJECT');
      const u = new URL(native ? path : `/v5/${encodeURIComponent(project ?? '')}${path}`, url);
      for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
      const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
      const headers = {
        ...(token ? { 'x-auth-token': token } : {}),
        ...(native && project ? { 'x-project-id': project } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      };
      const res = await request(u, { method, headers, body }).catch((err: Error) => {
        throw new RegattaError('SERVER_UNREACHABLE', `${u.origin}: ${(err as { code?: string }).code ?? err.message}`);
      });
      const text = await res.body.text();
      const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      if (res.statusCode >= 400)
        throw new RegattaError(
          String(json.error_code ?? json.code ?? `HTTP_${res.statusCode}`),
          String(json.error_msg ?? json.message ?? text),
        );
      return json as never;
    },
  };
}

export interface ConfigFile {
  url?: string;
  token?: string;
  project?: string;
}

/** Where the config file is: $XDG_CONFIG_HOME/regatta/config.json, else ~/.config/regatta/config.json. */
export function configFilePath(): string {
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'regatta', 'config.json');
}

/**
 * Sets (or, given undefined, removes) keys of the config file, keeping the others: written owner-only (it holds a
 * token), through a temp file renamed into place. Resolves with the file's path.
 */
export async function updateConfigFile(
  changes: Partial<Record<keyof ConfigFile, string | undefined>>,
): Promise<string> {
  const path = configFilePath();
  const next: Record<string, unknown> = { ...(await readConfigFile()) };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete next[k];
    else next[k] = v;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, path);
  return path;
}

export async function readConfigFile(): Promise<ConfigFile> {
  const path = configFilePath();
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return {};
    throw new RegattaError('INVALID_CONFIG_FILE', `${path}: not a JSON object`);
  }
}

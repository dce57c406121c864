// The CLI's client of a running Regatta: server URL, token and project from flags, else the environment
// (REGATTA_URL, REGATTA_TOKEN, REGATTA_PROJECT), else ~/.config/regatta/config.json ({"url","token","project"}).
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
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
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
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

export async function apiClient(flags: ServerFlags): Promise<ApiClient> {
  const file = await readConfigFile();
  const url = flags.server ?? process.env.REGATTA_URL ?? file.url ?? 'http://127.0.0.1:8480';
  const token = flags.token ?? process.env.REGATTA_TOKEN ?? file.token;
  const project = flags.project ?? process.env.REGATTA_PROJECT ?? file.project;
  if (!token) throw new RegattaError('USAGE', 'no API token: give --token, REGATTA_TOKEN or a config file');
  if (!project) throw new RegattaError('USAGE', 'no project: give --project, REGATTA_PROJECT or a config file');
  return {
    async call(method, path, opts = {}) {
      // Regatta's own API lives under /api/v1; every other path is an HSS path of the project.
      const u = new URL(path.startsWith('/api/') ? path : `/v5/${encodeURIComponent(project)}${path}`, url);
      for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
      const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
      const headers = { 'x-auth-token': token, ...(body ? { 'content-type': 'application/json' } : {}) };
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

async function readConfigFile(): Promise<{ url?: string; token?: string; project?: string }> {
  const path = join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'regatta', 'config.json');
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return {};
    throw new RegattaError('INVALID_CONFIG_FILE', `${path}: not a JSON object`);
  }
}

// One feed file brought to a local path: over HTTP(S) with a conditional request (If-None-Match /
// If-Modified-Since, so an unchanged file costs one request answered 304), or copied from a local file or folder
// (an air-gapped site's mirror; "unchanged" then means same size and modification time). Bodies stream to disk
// (mode 0600), bounded in size, with an idle timeout and an overall deadline; a body cut short fails the fetch
// and leaves no file behind. Redirects are not followed: a mirror names its files directly.
// https://www.rfc-editor.org/rfc/rfc9110#name-conditional-requests
import { createWriteStream } from 'node:fs';
import { copyFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { type Dispatcher, EnvHttpProxyAgent, request } from 'undici';
import { RegattaError } from '../../errors.js';

/** What tells a changed file from the one fetched before. */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

export type FetchOutcome =
  | { status: 'unchanged' }
  | { status: 'missing' }
  | { status: 'fetched'; validators: Validators; bytes: number };

export interface FetchLimits {
  /** Largest body accepted (an OSV all.zip of npm is a few hundred MiB). */
  maxBytes: number;
  /** Whole request, headers and body. */
  deadlineMs: number;
  /** Longest wait for the next bytes. */
  idleMs: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = {
  maxBytes: 2 * 1024 * 1024 * 1024,
  deadlineMs: 30 * 60 * 1000,
  idleMs: 60 * 1000,
};

let dispatcher: Dispatcher | undefined;
/** Honours HTTP_PROXY / HTTPS_PROXY / NO_PROXY, as sites that reach the internet through a proxy need. */
function agent(): Dispatcher {
  dispatcher ??= new EnvHttpProxyAgent();
  return dispatcher;
}

/** Whether `source` names a local file or folder rather than an HTTP(S) URL. */
export function isLocal(source: string): boolean {
  return !/^https?:\/\//i.test(source);
}

export function localPath(source: string): string {
  return source.startsWith('file:') ? fileURLToPath(source) : source;
}

/** Joins a base (URL or path) and relative parts, each part percent-encoded for URLs. */
export function joinSource(base: string, ...parts: string[]): string {
  if (isLocal(base)) return join(localPath(base), ...parts);
  return [base.replace(/\/+$/, ''), ...parts.map(encodeURIComponent)].join('/');
}

/** Brings `source` to `dest` unless it still matches `prev`; `onBytes` is told of progress. */
export async function fetchToFile(
  source: string,
  dest: string,
  prev: Validators | undefined,
  limits: FetchLimits = DEFAULT_FETCH_LIMITS,
  onBytes?: (n: number) => void,
): Promise<FetchOutcome> {
  return isLocal(source) ? copyLocal(localPath(source), dest, prev) : fetchHttp(source, dest, prev, limits, onBytes);
}

async function fetchHttp(
  url: string,
  dest: string,
  prev: Validators | undefined,
  limits: FetchLimits,
  onBytes?: (n: number) => void,
): Promise<FetchOutcome> {
  const headers: Record<string, string> = { 'user-agent': 'regatta-vulndb' };
  if (prev?.etag) headers['if-none-match'] = prev.etag;
  if (prev?.lastModified) headers['if-modified-since'] = prev.lastModified;
  const signal = AbortSignal.timeout(limits.deadlineMs);
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, {
      headers,
      signal,
      dispatcher: agent(),
      headersTimeout: limits.idleMs,
      bodyTimeout: limits.idleMs,
    });
  } catch (err) {
    throw new RegattaError('VULNDB_FETCH_FAILED', `${url}: ${(err as Error).message}`, { cause: err });
  }
  if (res.statusCode === 304) {
    await res.body.dump();
    return { status: 'unchanged' };
  }
  if (res.statusCode === 404 || res.statusCode === 403) {
    // A bucket answers 403 for a missing object when listing is not allowed: the same "not there".
    await res.body.dump();
    return { status: 'missing' };
  }
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new RegattaError('VULNDB_FETCH_FAILED', `${url}: HTTP ${res.statusCode}`);
  }
  const declared = Number(res.headers['content-length'] ?? Number.NaN);
  if (declared > limits.maxBytes) {
    res.body.destroy();
    throw new RegattaError('VULNDB_TOO_LARGE', `${url}: ${declared} bytes is over the ${limits.maxBytes} limit`);
  }
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > limits.maxBytes)
        return done(new RegattaError('VULNDB_TOO_LARGE', `${url}: over ${limits.maxBytes} bytes`));
      onBytes?.(chunk.length);
      done(null, chunk);
    },
  });
  try {
    await pipeline(res.body, counter, createWriteStream(dest, { mode: 0o600 }));
  } catch (err) {
    await rm(dest, { force: true });
    if (err instanceof RegattaError) throw err;
    throw new RegattaError('VULNDB_FETCH_FAILED', `${url}: ${(err as Error).message}`, { cause: err });
  }
  if (Number.isFinite(declared) && bytes !== declared) {
    await rm(dest, { force: true });
    throw new RegattaError('VULNDB_FETCH_FAILED', `${url}: body cut off at ${bytes} of ${declared} bytes`);
  }
  const header = (name: string) => {
    const v = res.headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const validators: Validators = {};
  const etag = header('etag');
  const lastModified = header('last-modified');
  if (etag) validators.etag = etag;
  if (lastModified) validators.lastModified = lastModified;
  return { status: 'fetched', validators, bytes };
}

async function copyLocal(path: string, dest: string, prev: Validators | undefined): Promise<FetchOutcome> {
  const s = await stat(path).catch(() => undefined);
  if (!s?.isFile()) return { status: 'missing' };
  const etag = `"${s.size}-${Math.trunc(s.mtimeMs)}"`;
  if (prev?.etag === etag) return { status: 'unchanged' };
  await copyFile(path, dest);
  return { status: 'fetched', validators: { etag }, bytes: s.size };
}

/** The files of a local folder whose names end in one of `extensions`, sorted. */
export async function localFiles(dir: string, extensions: string[]): Promise<string[]> {
  const names = await readdir(dir).catch(() => undefined);
  if (!names) throw new RegattaError('VULNDB_FETCH_FAILED', `${dir} is not a readable folder`);
  return names.filter((n) => extensions.some((e) => n.endsWith(e))).sort();
}

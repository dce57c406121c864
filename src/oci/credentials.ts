// Reads registry credentials from Docker's `config.json` (`auths` entries only) and parses `user:password`
// strings given on the command line.
// File format: https://github.com/docker/cli/blob/master/man/docker-config-json.5.md

import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RegattaError } from './errors.js';

/** A username and password (or access token used as a password). */
export interface Credentials {
  username: string;
  password: string;
}

/** An identity (OAuth2 refresh) token, exchanged at the registry's token endpoint instead of a password. */
export interface IdentityTokenCredentials {
  identityToken: string;
}

/** A registry token handed over as is (`Authorization: Bearer …`), e.g. by Harbor to its scanner adapters. */
export interface RegistryTokenCredentials {
  registryToken: string;
}

/** What a registry may be given to authenticate: a username and password, an identity token, or a token. */
export type RegistryCredentials = Credentials | IdentityTokenCredentials | RegistryTokenCredentials;

/** Thrown when a Docker config file exists but cannot be read or does not have the documented shape. */
export class InvalidCredentialsFileError extends RegattaError {
  /**
   * @param file - path of the offending file
   * @param problem - what is wrong; never includes secret values
   */
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super('INVALID_CREDENTIALS_FILE', `${file}: ${problem}`);
  }
}

/** Thrown by {@link parseUserPass} for a string that is not `user:password`. The message never echoes it. */
export class InvalidCredentialsError extends RegattaError {
  constructor(message: string) {
    super('INVALID_CREDENTIALS', message);
  }
}

type Json = Record<string, unknown>;

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Looks up credentials for a registry in Docker's `config.json`.
 *
 * `auths` keys may be a bare host (`ghcr.io`, `localhost:5000`) or a URL (`https://host`, `http://host`,
 * `host/v1/`, …); only the host and port are compared, case-insensitively. For `docker.io` the key
 * `https://index.docker.io/v1/` (what `docker login` writes) also matches. An entry's `identitytoken` wins over
 * its `auth` (base64 `user:password`), which wins over `username`/`password`.
 *
 * Credential helpers are never run: when `credHelpers` names the registry, or the entry is empty because
 * `credsStore` holds the secret, the result is `undefined` and the caller must get credentials another way.
 *
 * @param registry - registry host with optional port, e.g. `docker.io` or `127.0.0.1:5000`
 * @param opts - `configDir` (default `$DOCKER_CONFIG`, else `~/.docker`); `env` to read those variables from
 *   (default `process.env`)
 * @returns the credentials, or `undefined` when the file or a usable entry is missing
 * @throws {@link InvalidCredentialsFileError} when the file is unreadable, not JSON, or malformed
 */
export async function loadDockerConfigCredentials(
  registry: string,
  opts: { configDir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RegistryCredentials | undefined> {
  const file = join(configDir(opts), 'config.json');
  const config = await readConfig(file);
  if (config === undefined) return undefined;
  if (hasCredHelper(config, hostOf(registry), file)) return undefined;
  const found = findAuthEntry(config, registry, file);
  return found && decodeEntry(found.entry, found.where, file);
}

/**
 * Parses `user:password` as given to `--src-creds`/`--dest-creds`. The password is everything after the first
 * colon, so it may itself contain colons, and may be empty.
 *
 * @param s - the `user:password` string
 * @returns the username and password
 * @throws {@link InvalidCredentialsError} when there is no colon or the username is empty
 */
export function parseUserPass(s: string): Credentials {
  const colon = s.indexOf(':');
  if (colon < 0) throw new InvalidCredentialsError('credentials must be given as user:password');
  if (colon === 0) throw new InvalidCredentialsError('credentials must be given as user:password (empty user name)');
  return { username: s.slice(0, colon), password: s.slice(colon + 1) };
}

function configDir(opts: { configDir?: string; env?: NodeJS.ProcessEnv }): string {
  const env = opts.env ?? process.env;
  return opts.configDir || env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

async function readConfig(file: string): Promise<Json | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InvalidCredentialsFileError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (text.trim() === '') return undefined; // Docker treats an empty file as an empty config
  return parseJsonObject(text, file);
}

function parseJsonObject(text: string, file: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message may quote the file's content, which can hold secrets: leave it out.
    throw new InvalidCredentialsFileError(file, 'is not valid JSON');
  }
  if (!isObject(value)) throw new InvalidCredentialsFileError(file, 'must hold a JSON object');
  return value;
}

function hasCredHelper(config: Json, host: string, file: string): boolean {
  const helpers = objectField(config, 'credHelpers', file);
  return helpers !== undefined && Object.keys(helpers).some((key) => hostOf(key) === host);
}

function findAuthEntry(config: Json, registry: string, file: string): { entry: Json; where: string } | undefined {
  const auths = objectField(config, 'auths', file);
  if (auths === undefined) return undefined;
  const keys = Object.keys(auths);
  const host = hostOf(registry);
  const key =
    keys.find((k) => k === registry) ??
    (host === DOCKER_HUB ? keys.find((k) => k === DOCKER_HUB_KEY) : undefined) ??
    keys.find((k) => hostOf(k) === host);
  if (key === undefined) return undefined;
  const where = `auths[${JSON.stringify(key)}]`;
  const entry = objectField(auths, key, file, where);
  return entry && { entry, where };
}

function decodeEntry(entry: Json, where: string, file: string): RegistryCredentials | undefined {
  const field = (name: string) => stringField(entry, name, `${where}.${name}`, file);
  const identityToken = field('identitytoken');
  if (identityToken) return { identityToken };
  const auth = field('auth');
  if (auth) return decodeAuth(auth, `${where}.auth`, file);
  const username = field('username') ?? '';
  const password = field('password') ?? '';
  return username === '' && password === '' ? undefined : { username, password };
}

function decodeAuth(auth: string, where: string, file: string): Credentials {
  const decoded = BASE64_RE.test(auth) ? Buffer.from(auth, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new InvalidCredentialsFileError(file, `${where} is not base64 of user:password`);
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Host and port of an `auths`/`credHelpers` key or registry name, lower-case, with Docker Hub's aliases merged. */
function hostOf(key: string): string {
  const host = key
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .split('/')[0]!
    .toLowerCase();
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

function objectField(obj: Json, name: string, file: string, where = name): Json | undefined {
  const value = obj[name];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new InvalidCredentialsFileError(file, `${where} must be an object`);
  return value;
}

function stringField(obj: Json, name: string, where: string, file: string): string | undefined {
  const value = obj[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidCredentialsFileError(file, `${where} must be a string`);
  return value;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

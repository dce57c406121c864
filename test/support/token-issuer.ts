// A Docker token-auth server for real registries in `auth.token` mode: an RSA key and self-signed certificate
// made with the openssl CLI, and a node:http server on 127.0.0.1 answering `GET /token?service=…&scope=…`.
import { execFile } from 'node:child_process';
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { closeServer, LOOPBACK, listen } from './ports.js';
import { type Access, grant, parseScopes, signToken } from './token-jwt.js';

const run = promisify(execFile);
const TTL_SECONDS = 300;

/** Key directories of issuers not yet stopped, removed when the test process exits. */
const liveDirs = new Set<string>();
process.on('exit', () => {
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

export interface TokenIssuerOptions {
  service: string;
  issuer: string;
  username: string;
  password: string;
  /** Grant `pull` to callers without credentials (default: anonymous callers get an empty `access`). */
  anonymousPull?: boolean;
}

export interface TokenIssuer {
  /** The realm URL, e.g. `http://127.0.0.1:P/token`. */
  url: string;
  service: string;
  issuer: string;
  /** PEM certificate for the registry's `auth.token.rootcertbundle`. */
  certPath: string;
  /** Count of token requests served (any outcome). */
  readonly requests: number;
  /** Every token issued, in order: who got it and what it grants. */
  readonly issued: ReadonlyArray<{ subject: string; access: Access[] }>;
  stop(): Promise<void>;
}

/** Makes an RSA key and a self-signed certificate in `dir` with the openssl CLI. */
async function makeKeyPair(dir: string): Promise<{ key: KeyObject; certDer: Buffer; certPath: string }> {
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  const subject = '/CN=regatta-test-token-issuer';
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', subject];
  await run('openssl', [...args, '-keyout', keyPath, '-out', certPath]);
  const key = createPrivateKey(await readFile(keyPath));
  const certDer = Buffer.from(new X509Certificate(await readFile(certPath)).raw);
  return { key, certDer, certPath };
}

/** `{ username, password }` from a Basic Authorization header, or undefined when there is none. */
function basicCredentials(req: IncomingMessage): { username: string; password: string } | undefined {
  const header = req.headers.authorization;
  if (!header?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export async function startTokenIssuer(opts: TokenIssuerOptions): Promise<TokenIssuer> {
  const dir = await mkdtemp(join(tmpdir(), 'regatta-token-'));
  liveDirs.add(dir);
  const { key, certDer, certPath } = await makeKeyPair(dir);
  const issued: Array<{ subject: string; access: Access[] }> = [];
  let requests = 0;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token.invalid');
    if (req.method !== 'GET' || url.pathname !== '/token') return sendJson(res, 404, { error: 'not found' });
    requests++;
    const creds = basicCredentials(req);
    if (creds && (creds.username !== opts.username || creds.password !== opts.password)) {
      return sendJson(res, 401, { error: 'invalid credentials' }, { 'WWW-Authenticate': 'Basic realm="token"' });
    }
    const access = grant(parseScopes(url.searchParams.getAll('scope')), !!creds, !!opts.anonymousPull);
    const subject = creds?.username ?? '';
    issued.push({ subject, access });
    const claims = { issuer: opts.issuer, service: url.searchParams.get('service') ?? opts.service, subject, access };
    const token = signToken({ ...claims, ttlSeconds: TTL_SECONDS }, key, certDer);
    sendJson(res, 200, { token, access_token: token, expires_in: TTL_SECONDS, issued_at: new Date().toISOString() });
  });
  const port = await listen(server);
  server.unref(); // a forgotten issuer must not keep the test process alive

  return {
    url: `http://${LOOPBACK}:${port}/token`,
    service: opts.service,
    issuer: opts.issuer,
    certPath,
    get requests() {
      return requests;
    },
    issued,
    async stop() {
      await closeServer(server);
      await rm(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    },
  };
}

// The web console: the static files `npm run build` makes from src/web/ (Vite) into dist/web/, served by the API
// server. The page is public (it holds no data); everything it shows comes from the authenticated APIs with the
// token the user signs in with. `/` is shared with ACR's RPC API: a GET / without an Action gets the page.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** dist/web beside the bundle (dist/regatta.mjs), or from the sources (src/api/console/) when run with tsx. */
const CANDIDATES = ['./web/', '../../../dist/web/'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));

/** The page only talks to its own origin; antd writes its styles into <style> elements at run time. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export type ConsolePage = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Registers /assets/* and returns the handler of the page itself (for GET /). */
export async function registerConsole(app: FastifyInstance, dir = CANDIDATES.find(isBuilt)): Promise<ConsolePage> {
  if (!dir) {
    return async (_request, reply) =>
      reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The console is not built: run `npm run build` (npm ci runs it), then restart regatta serve.\n');
  }
  await app.register(fastifyStatic, {
    root: `${dir}/assets`,
    prefix: '/assets/',
    // File names carry a content hash: a new build is a new name.
    immutable: true,
    maxAge: '365d',
    index: false,
    decorateReply: false,
    schemaHide: true,
  });
  // Read per request (it is small): a rebuilt console is served without a restart, with the assets it names.
  return async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(await readFile(`${dir}/index.html`));
}

function isBuilt(dir: string): boolean {
  return existsSync(`${dir}/index.html`);
}

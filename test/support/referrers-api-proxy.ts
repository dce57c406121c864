// A registry WITH the OCI 1.1 referrers API, for the tests of that path: no registry that runs here has one
// (Distribution 2.8 answers 404), so this proxy in front of a real Distribution registry answers
// `GET /v2/<name>/referrers/<digest>` itself, from the referrers the registry holds under the fallback tag
// `sha256-<hex>`, and hides every referrer-schema tag from tag lists, so a client can find referrers through the
// API alone. Everything else is passed through unchanged. A fake for what cannot run here, and it says so.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

const REFERRERS = /^\/v2\/(.+)\/referrers\/(sha256:[0-9a-f]{64})$/;
const TAGS = /^\/v2\/(.+)\/tags\/list$/;
const REFERRER_TAG = /^sha256-[0-9a-f]{64}(\.(sig|att|sbom))?$/;
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export interface ReferrersApiProxy {
  /** `127.0.0.1:PORT` */
  host: string;
  url: string;
  /** Referrers API requests answered. */
  answered: number;
  stop(): Promise<void>;
}

export async function startReferrersApiProxy(upstream: string): Promise<ReferrersApiProxy> {
  const state = { answered: 0 };
  const server = createServer((req, res) => {
    handle(upstream, req, res, state).catch((err) => {
      res.statusCode = 502;
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    get answered() {
      return state.answered;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function handle(upstream: string, req: IncomingMessage, res: ServerResponse, state: { answered: number }) {
  const path = (req.url ?? '/').split('?')[0]!;
  const referrers = req.method === 'GET' ? REFERRERS.exec(path) : null;
  if (referrers) {
    state.answered++;
    const fallback = `sha256-${referrers[2]!.slice('sha256:'.length)}`;
    const r = await request(`${upstream}/v2/${referrers[1]}/manifests/${fallback}`, { headers: { accept: OCI_INDEX } });
    const index = r.statusCode === 200 ? ((await r.body.json()) as { manifests: unknown[] }) : { manifests: [] };
    if (r.statusCode !== 200) await r.body.dump();
    res.writeHead(200, { 'content-type': OCI_INDEX });
    res.end(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: index.manifests }));
    return;
  }
  const headers = { ...req.headers, host: new URL(upstream).host };
  const r = await request(`${upstream}${req.url}`, {
    method: req.method as 'GET',
    headers,
    body: req.method === 'GET' || req.method === 'HEAD' ? undefined : req,
  });
  if (req.method === 'GET' && TAGS.test(path) && r.statusCode === 200) {
    const list = (await r.body.json()) as { name: string; tags: string[] | null };
    const tags = (list.tags ?? []).filter((t) => !REFERRER_TAG.test(t));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...list, tags }));
    return;
  }
  res.writeHead(r.statusCode, r.headers as Record<string, string>);
  for await (const chunk of r.body) res.write(chunk);
  res.end();
}

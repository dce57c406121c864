// What a crawler asked of the registry and what the registry sent, from its access log (Distribution writes one
// combined-log line per request to registry.log, response size included): requests by kind (API check,
// catalog, tag list, manifest GET / HEAD, blob GET / HEAD, other) and body bytes sent. The size Distribution logs
// for a HEAD is the Content-Length it announced, though no body goes out: HEADs count 0 bytes here. Headers are
// not counted. A window is the bytes appended to the log between `mark()` and `read()`.
import type { TestRegistry } from '../../test/support/registry.js';
import { AccessLog } from './access-log.js';

export const REQUEST_KINDS = [
  'ping',
  'catalog',
  'tagsList',
  'manifestGet',
  'manifestHead',
  'blobGet',
  'blobHead',
  'other',
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

export interface RegistryTraffic {
  requests: Record<RequestKind, number>;
  total: number;
  /** Answers with a status of 400 or more. */
  errors: number;
  /** Body bytes the registry sent (HEADs count 0). */
  bytesSent: number;
}

const LINE = /"(GET|HEAD|PUT|POST|PATCH|DELETE) (\S+) HTTP\/[\d.]+" (\d{3}) (\d+|-)/;

function kindOf(method: string, path: string): RequestKind {
  const route = path.split('?')[0]!;
  if (route === '/v2/' || route === '/v2') return 'ping';
  if (route === '/v2/_catalog') return 'catalog';
  if (route.endsWith('/tags/list')) return 'tagsList';
  if (route.includes('/manifests/'))
    return method === 'HEAD' ? 'manifestHead' : method === 'GET' ? 'manifestGet' : 'other';
  if (/\/blobs\/sha256:/.test(route)) return method === 'HEAD' ? 'blobHead' : method === 'GET' ? 'blobGet' : 'other';
  return 'other';
}

export function emptyTraffic(): RegistryTraffic {
  const requests = Object.fromEntries(REQUEST_KINDS.map((k) => [k, 0])) as Record<RequestKind, number>;
  return { requests, total: 0, errors: 0, bytesSent: 0 };
}

export function tallyTraffic(text: string): RegistryTraffic {
  const t = emptyTraffic();
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [, method = '', path = '', status = '', size = '-'] = m;
    t.requests[kindOf(method, path)]++;
    t.total++;
    if (Number(status) >= 400) t.errors++;
    if (method !== 'HEAD' && size !== '-') t.bytesSent += Number(size);
  }
  return t;
}

/** The registry's access log read as traffic (AccessLog reads it; this tallies by kind and bytes). */
export class TrafficLog {
  private readonly log: AccessLog;

  constructor(registry: TestRegistry) {
    this.log = new AccessLog(registry);
  }

  mark(): Promise<number> {
    return this.log.mark();
  }

  /** Traffic logged since `from` (a `mark()`). */
  async read(from: number): Promise<RegistryTraffic> {
    return tallyTraffic(await this.log.since(from));
  }
}

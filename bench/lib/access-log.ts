// Counts what a tool asked of the source registry, from the registry's own access log (Distribution writes one
// combined-log line per request to registry.log): no proxy in the path, so timings stay untouched. A window is
// the bytes appended between `mark()` and `count()`.
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestRegistry } from '../../test/support/registry.js';

export interface RequestCounts {
  /** Blob GETs answered with content (200, 206) or a redirect to it (307). */
  blobGets: number;
  manifestHeads: number;
  manifestGets: number;
  /** Every request, any method and status. */
  total: number;
}

const LINE = /"(GET|HEAD|PUT|POST|PATCH|DELETE) (\S+) HTTP\/[\d.]+" (\d{3}) /;

export class AccessLog {
  private readonly path: string;

  constructor(registry: TestRegistry) {
    this.path = join(registry.dir, 'registry.log');
  }

  async mark(): Promise<number> {
    return (await stat(this.path)).size;
  }

  /** Requests logged since `from` (a `mark()`). */
  async count(from: number): Promise<RequestCounts> {
    return tally(await this.since(from));
  }

  /** The log's text since `from`. Waits briefly: the registry logs a request after answering it. */
  async since(from: number): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const file = await open(this.path, 'r');
    try {
      const size = (await file.stat()).size;
      const buffer = Buffer.alloc(Math.max(0, size - from));
      await file.read(buffer, 0, buffer.length, from);
      return buffer.toString('utf8');
    } finally {
      await file.close();
    }
  }
}

function tally(text: string): RequestCounts {
  const counts: RequestCounts = { blobGets: 0, manifestHeads: 0, manifestGets: 0, total: 0 };
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [, method, path = '', status = ''] = m;
    counts.total++;
    if (method === 'GET' && /\/blobs\/sha256:/.test(path) && /^(200|206|307)$/.test(status)) counts.blobGets++;
    if (/\/manifests\//.test(path)) {
      if (method === 'HEAD') counts.manifestHeads++;
      if (method === 'GET') counts.manifestGets++;
    }
  }
  return counts;
}

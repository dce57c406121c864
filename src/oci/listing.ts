// Paged lists: the catalog and tag lists, following RFC 8288 `Link: <…>; rel="next"` headers.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-tags
import { z } from 'zod';
import { InvalidResponseError } from './errors.js';
import { nextLink } from './link.js';
import { parseJson } from './response.js';
import type { Transport } from './transport.js';

export interface ListOptions {
  /** `n` per page. Distribution refuses more than 1000 (PAGINATION_NUMBER_INVALID). */
  pageSize?: number;
  /** Stop after this many names. */
  limit?: number;
  signal?: AbortSignal;
}

const PAGE_LIMIT = 16 * 1024 * 1024;
const DEFAULT_PAGE_SIZE = 1000;

/** Fetches every page of a list endpoint and returns the names under `key` (`repositories` or `tags`). */
export async function listPages(
  transport: Transport,
  path: string,
  key: 'repositories' | 'tags',
  scopes: string[],
  opts: ListOptions = {},
): Promise<string[]> {
  const schema = z.object({ [key]: z.array(z.string()).nullish() });
  const names: string[] = [];
  let url: string | undefined = `${path}?n=${opts.pageSize ?? DEFAULT_PAGE_SIZE}`;
  while (url) {
    const request = { method: 'GET' as const, url, scopes, expect: [200], signal: opts.signal };
    const { response: res, body } = await transport.read(request, PAGE_LIMIT);
    const parsed = schema.safeParse(parseJson(body, path));
    if (!parsed.success) throw new InvalidResponseError(path, `no "${key}" array`);
    const page = (parsed.data[key] as string[] | null | undefined) ?? [];
    names.push(...page);
    if (opts.limit !== undefined && names.length >= opts.limit) return names.slice(0, opts.limit);
    const next = nextLink(res.headers.link, res.url);
    // A registry that repeats the same page would loop forever.
    url = next && next !== res.url && page.length > 0 ? next : undefined;
  }
  return names;
}

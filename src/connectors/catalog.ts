// `/v2/_catalog` streamed page by page (the OCI client's `catalogList` collects every page first), following
// RFC 8288 `Link: <…>; rel="next"` headers as Distribution sends them.
// Catalog API: https://github.com/distribution/distribution/blob/release/2.8/docs/spec/api.md#listing-repositories
import { z } from 'zod';
import { InvalidResponseError } from '../oci/errors.js';
import { nextLink } from '../oci/link.js';
import { parseJson } from '../oci/response.js';
import { CATALOG_SCOPE } from '../oci/scopes.js';
import type { Transport } from '../oci/transport.js';

/** Distribution refuses `n` above 1000 (PAGINATION_NUMBER_INVALID). */
export const CATALOG_PAGE_MAX = 1000;
const PAGE_LIMIT = 16 * 1024 * 1024;

// Response shape: the "Listing Repositories" section linked above.
const CatalogPage = z.object({ repositories: z.array(z.string()).nullish() });

/** Yields the repository names of each catalog page as it arrives. */
export async function* catalogPages(
  transport: Transport,
  opts: { pageSize?: number; signal?: AbortSignal } = {},
): AsyncGenerator<string[]> {
  const n = Math.min(Math.max(1, opts.pageSize ?? CATALOG_PAGE_MAX), CATALOG_PAGE_MAX);
  let url: string | undefined = `/v2/_catalog?n=${n}`;
  while (url) {
    const request = { method: 'GET' as const, url, scopes: [CATALOG_SCOPE], expect: [200], signal: opts.signal };
    const { response, body } = await transport.read(request, PAGE_LIMIT);
    const parsed = CatalogPage.safeParse(parseJson(body, '/v2/_catalog'));
    if (!parsed.success) throw new InvalidResponseError('/v2/_catalog', 'no "repositories" array');
    const page = parsed.data.repositories ?? [];
    if (page.length > 0) yield page;
    const next = nextLink(response.headers.link, response.url);
    // A registry that repeats the same page, or links past an empty one, would loop forever.
    url = next && next !== response.url && page.length > 0 ? next : undefined;
  }
}

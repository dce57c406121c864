// The images under a namespace of a registry: repositories from the catalog whose path starts with
// `NAMESPACE/`, optionally filtered by a regex on the rest of the path, and their tags through a tag regex.
// Both regexes must match in full (`v1` does not select `v10`), as tag filters of Harbor and ACR do.
import pLimit from 'p-limit';
import type { RegistryClient } from '../oci/client.js';
import { compilePattern, type Pattern } from './pattern.js';

export interface NamespaceFilter {
  /** Full match on the repository path below the namespace (`team/app` for `NAMESPACE/team/app`). */
  repos?: Pattern;
  /** Full match on the tag. */
  tags?: Pattern;
}

export interface NamespaceImage {
  /** The repository path below the namespace. */
  path: string;
  tag: string;
}

/** `pattern` as a whole-string RE2 pattern (the one compiler, pattern.ts); USAGE names `what` when it is not one. */
export function fullMatch(pattern: string, what: string): Pattern {
  return compilePattern(pattern, what, 'USAGE');
}

/**
 * Lists the catalog once per registry client and run: several rules reading one registry (a rules file) share it.
 * The catalog is the only way to find repositories through the distribution API; it can be long, so not twice.
 */
export class CatalogCache {
  private readonly lists = new Map<RegistryClient, Promise<string[]>>();

  catalog(client: RegistryClient, signal?: AbortSignal): Promise<string[]> {
    let list = this.lists.get(client);
    if (!list) {
      list = client.catalogList({ signal });
      this.lists.set(client, list);
      list.catch(() => this.lists.delete(client)); // a failed listing may be tried again by the next rule
    }
    return list;
  }
}

export interface NamespaceListing {
  images: NamespaceImage[];
  /** Repositories whose tag list could not be read: reported with the images, not fatal to the others. */
  failed: { path: string; error: unknown }[];
}

/**
 * Every image (repository path, tag) under `namespace`, sorted; tag lists are read `concurrency` at a time. A
 * catalog that cannot be read fails the whole listing (nothing to go on); one repository's tag list does not.
 */
export async function listNamespace(
  client: RegistryClient,
  namespace: string,
  filter: NamespaceFilter,
  opts: { catalogs?: CatalogCache; concurrency?: number; signal?: AbortSignal } = {},
): Promise<NamespaceListing> {
  const catalog = await (opts.catalogs ?? new CatalogCache()).catalog(client, opts.signal);
  const prefix = `${namespace}/`;
  const paths = catalog
    .filter((repo) => repo.startsWith(prefix))
    .map((repo) => repo.slice(prefix.length))
    .filter((path) => !filter.repos || filter.repos.test(path))
    .sort();
  const limit = pLimit(opts.concurrency ?? 8);
  const listing: NamespaceListing = { images: [], failed: [] };
  const perRepo = await Promise.all(
    paths.map((path) =>
      limit(async () => {
        try {
          const tags = await client.tagList(`${prefix}${path}`, { signal: opts.signal });
          return tags.filter((tag) => !filter.tags || filter.tags.test(tag)).map((tag) => ({ path, tag }));
        } catch (error) {
          if (opts.signal?.aborted) throw error;
          listing.failed.push({ path, error });
          return [];
        }
      }),
    ),
  );
  listing.images = perRepo.flat();
  return listing;
}

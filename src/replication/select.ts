// The first half of the one replication pipeline (the second is run.ts): a rule turned into the images it copies.
// Every front-end selects through here — the worker's rule runs, `regatta sync`, the rule preview, SWR and ACR —
// so a rule means the same everywhere: repositories under the source namespace (a path prefix of one or more
// components, rule-match.ts), one or those matching the repository pattern, their tags through the tag filter,
// each with the target the rule gives it. Tag lists are read several at a time, as regsync does, and read live
// from the source, so a manual sync right after a push needs no inventory crawl first.
import pLimit from 'p-limit';
import type { Connector } from '../connectors/connector.js';
import { repositoryRef } from '../connectors/repository.js';
import type { RegistryClient } from '../oci/client.js';
import { referrerTags } from './referrers.js';
import { fullPath, type ImagePath, type RuleSelector, relativePath, tagMatches, targetOf } from './rule-match.js';

export interface PlannedCopy {
  source: ImagePath;
  target: ImagePath;
  /**
   * Set with `referrers`: the image's referrers are copied after it; `tags` are the source repository's
   * referrer-schema tags when its tag list was read here (else the copy lists them).
   */
  referrers?: { tags?: string[] };
}

/** Where a rule's images are listed from: a stored registry's connector, or a bare client (`regatta sync`). */
export interface RepositorySource {
  /** Every repository path the registry offers to this account. */
  repositories(signal?: AbortSignal): Promise<string[]>;
  tags(path: string, signal?: AbortSignal): Promise<string[]>;
}

export interface Selection {
  planned: PlannedCopy[];
  /** Repositories whose tag list could not be read: reported with the images, not fatal to the others. */
  failed: { source: ImagePath; error: unknown }[];
}

export interface SelectOptions {
  /** Only these tags (SWR sync_images imageTag, ACR Tag); still filtered by the rule's tag filter when `filter`. */
  tags?: string[];
  /** Apply the rule's tag filter to `tags` too (default true; a manual tag list of SWR bypasses it). */
  filter?: boolean;
  /**
   * Referrer-schema tags (`sha256-<hex>[.sig|.att|.sbom]`) are not images of their own but travel with the image
   * they name (replication/referrers.ts), whatever the tag filter. Off: they are tags like any other.
   */
  referrers?: boolean;
  /** Tag lists read at once (default 8). */
  concurrency?: number;
  signal?: AbortSignal;
}

/**
 * Every image `rule` selects on `source`, sorted by repository, with its target. A repository list that cannot
 * be read fails the whole selection (nothing to go on); one repository's tag list does not.
 */
export async function selectImages(
  source: RepositorySource,
  rule: RuleSelector,
  opts: SelectOptions = {},
): Promise<Selection> {
  const repositories = await repositoriesOf(source, rule, opts.signal);
  const limit = pLimit(opts.concurrency ?? 8);
  const selection: Selection = { planned: [], failed: [] };
  const perRepository = await Promise.all(
    repositories.map((repository) =>
      limit(async (): Promise<PlannedCopy[]> => {
        let tags: string[];
        try {
          tags = opts.tags ?? (await source.tags(fullPath(rule.source_namespace, repository), opts.signal));
        } catch (error) {
          if (opts.signal?.aborted) throw error;
          selection.failed.push({ source: { namespace: rule.source_namespace, repository, tag: '' }, error });
          return [];
        }
        // Tags given by the caller are not the repository's tag list: taken as they are, and the copy lists the
        // referrer tags itself.
        const listed = opts.tags === undefined;
        const attached = new Set(opts.referrers && listed ? referrerTags(tags) : []);
        const referrers = opts.referrers ? (listed ? { tags: [...attached] } : {}) : undefined;
        return tags
          .filter((tag) => !attached.has(tag))
          .filter((tag) => opts.filter === false || tagMatches(rule, tag))
          .map((tag) => {
            const from = { namespace: rule.source_namespace, repository, tag };
            return { source: from, target: targetOf(rule, from), ...(referrers ? { referrers } : {}) };
          });
      }),
    ),
  );
  selection.planned = perRepository.flat();
  return selection;
}

/** The repositories (relative to the rule's namespace) the rule selects; one named repository needs no listing. */
async function repositoriesOf(source: RepositorySource, rule: RuleSelector, signal?: AbortSignal): Promise<string[]> {
  if (rule.source_repository !== null) return [rule.source_repository];
  const selected = (await source.repositories(signal)).flatMap((path) => relativePath(rule, path) ?? []);
  return [...new Set(selected)].sort();
}

/** A stored registry's connector as a source: its vendor listing where it has one, else the catalog. */
export function connectorSource(connector: Connector): RepositorySource {
  return {
    async repositories(signal) {
      const paths: string[] = [];
      for await (const repo of connector.listRepositories({ signal })) paths.push(repo.repository);
      return paths;
    },
    tags: (path, signal) => connector.listTags(repositoryRef(path), signal),
  };
}

/** A bare registry client as a source; the catalog is read once per client for every rule given `catalogs`. */
export function clientSource(client: RegistryClient, catalogs = new CatalogCache()): RepositorySource {
  return {
    repositories: (signal) => catalogs.catalog(client, signal),
    tags: (path, signal) => client.tagList(path, { signal }),
  };
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

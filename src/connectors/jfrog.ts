// JFrog Artifactory: the Docker repositories (repository keys) from the repositories API, their images from
// each key's Docker catalog API. Images are addressed with the repository-path method, `/v2/{repoKey}/{image}`
// on the Artifactory host, so a repository path is `{repoKey}/{image}` and its namespace the key. (The subdomain
// method, `{repoKey}.host/v2/{image}`, needs one connector per key, addressed at that subdomain, and is not
// listed through this adapter.)
// URL formats: https://docs.jfrog.com/artifactory/docs/additional-docker-information ("Docker Repository URL Formats")
import { z } from 'zod';
import { RegattaError, RegistryError } from '../oci/errors.js';
import type { Capabilities, ListRepositoriesOptions, RepositoryRef } from './connector.js';
import { inNamespace, isRepositoryName, repositoryRef } from './repository.js';
import { VendorConnector } from './vendor-connector.js';

const API = '/artifactory/api';
const PAGE_DEFAULT = 1000;

// https://jfrog.com/help/r/jfrog-rest-apis/get-repositories: `[{key, type, description, url, packageType}]`.
const RepositoryList = z.array(
  z.object({
    key: z.string().refine(isRepositoryName, 'not a Docker repository key'),
    packageType: z.string().optional(),
  }),
);
// https://jfrog.com/help/r/jfrog-rest-apis/list-docker-repositories: `{"repositories": [<name>, …]}`.
const DockerCatalog = z.object({
  repositories: z.array(z.string().refine(isRepositoryName, 'not a repository name')).nullish(),
});

export class JfrogConnector extends VendorConnector {
  // https://jfrog.com/help/r/jfrog-rest-apis/system-health-ping
  protected readonly pingPath = `${API}/system/ping`;

  /** No `/v2/_catalog` across keys; mount and referrers are not counted on; manifests can be deleted. */
  protected override declaredCapabilities(): Capabilities {
    return { catalog: false, vendorListing: true, mount: false, referrers: false, deleteManifests: true };
  }

  /** Each Docker repository key (only the namespace's first component when set), then its catalog. */
  override async *listRepositories(opts: ListRepositoriesOptions = {}): AsyncGenerator<RepositoryRef> {
    const { signal } = opts;
    if (!(await this.vendorAvailable(signal))) return yield* super.listRepositories(opts);
    const size = Math.max(1, opts.pageSize ?? PAGE_DEFAULT);
    const configured = this.namespace.split('/')[0];
    const keys = configured ? [configured] : await this.dockerRepositoryKeys(signal);
    for (const key of keys) {
      for await (const page of this.catalog(key, size, !!configured, signal)) {
        for (const image of page) {
          const repository = `${key}/${image}`;
          if (inNamespace(repository, this.namespace)) yield repositoryRef(repository);
        }
      }
    }
  }

  /** Local Docker repositories; when there are none, every Docker repository (remote caches, virtual). */
  private async dockerRepositoryKeys(signal?: AbortSignal): Promise<string[]> {
    const local = await this.repositoryKeys('?type=local&packageType=docker', signal);
    return local.length > 0 ? local : this.repositoryKeys('', signal);
  }

  /** Keys of Docker repositories; the filter is applied here too, for servers that ignore `packageType`. */
  private async repositoryKeys(query: string, signal?: AbortSignal): Promise<string[]> {
    const { data } = await this.api.getJson(`${API}/repositories${query}`, RepositoryList, signal);
    const keys = data.filter((r) => r.packageType?.toLowerCase() === 'docker').map((r) => r.key);
    return [...new Set(keys)];
  }

  /**
   * `GET /api/docker/{repoKey}/v2/_catalog?n=&last=`, page after page. A server that ignores `n` (before 5.4.6)
   * answers everything at once: more than `n` names ends the listing, as does a page adding no new name.
   */
  private async *catalog(key: string, size: number, configured: boolean, signal?: AbortSignal) {
    const seen = new Set<string>();
    let last: string | undefined;
    for (;;) {
      const query = new URLSearchParams({ n: String(size), ...(last === undefined ? {} : { last }) });
      const path = `${API}/docker/${encodeURIComponent(key)}/v2/_catalog?${query}`;
      let names: string[];
      try {
        names = (await this.api.getJson(path, DockerCatalog, signal)).data.repositories ?? [];
      } catch (err) {
        if (!(err instanceof RegistryError && err.status === 404)) throw err;
        if (!configured) return; // a key gone since it was listed
        const message = `Artifactory repository "${key}" not found at ${this.config.address} (or not visible to this account)`;
        throw new RegattaError('NAMESPACE_NOT_FOUND', message, { cause: err });
      }
      const fresh = names.filter((n) => !seen.has(n));
      for (const n of fresh) seen.add(n);
      if (fresh.length > 0) yield fresh;
      if (names.length !== size || fresh.length === 0) return;
      last = names[names.length - 1];
    }
  }
}

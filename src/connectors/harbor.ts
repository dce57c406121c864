// Harbor: projects and their repositories from the v2.0 API (a non-admin account cannot read `/v2/_catalog`),
// tags from the artifacts API; manifests and blobs through `/v2/`.
// API: https://github.com/goharbor/harbor/blob/main/api/v2.0/swagger.yaml
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { RegattaError, RegistryError } from '../oci/errors.js';
import { nextLink } from '../oci/link.js';
import type { Capabilities, ListRepositoriesOptions, RepositoryRef } from './connector.js';
import { inNamespace, isRepositoryName, repositoryRef } from './repository.js';
import type { VendorApi } from './vendor-api.js';
import { VendorConnector } from './vendor-connector.js';

const API = '/api/v2.0';
/** swagger `parameters/pageSize`: default 10, maximum 100. */
const PAGE_MAX = 100;

// swagger `definitions/Project`: only the name is read.
const ProjectList = z.array(z.object({ name: z.string().min(1) }));
// swagger `definitions/Repository`: `name` is the full path, project included (`library/hello-world`).
const RepositoryList = z.array(z.object({ name: z.string().refine(isRepositoryName, 'not a repository name') }));
// swagger `definitions/Artifact` and `definitions/Tag`; `tags` is null for an untagged artifact.
const ArtifactList = z.array(z.object({ tags: z.array(z.object({ name: z.string().min(1) })).nullish() }));

export class HarborConnector extends VendorConnector {
  // swagger `/ping`: "does not require any authentication".
  protected readonly pingPath = `${API}/ping`;

  /** Harbor 2.x mounts blobs across repositories, serves the referrers API (2.8+) and deletes manifests. */
  protected override declaredCapabilities(): Capabilities {
    return { catalog: true, vendorListing: true, mount: true, referrers: true, deleteManifests: true };
  }

  /** Every project the account sees (`GET /projects`), then each one's repositories; only the namespace's. */
  override async *listRepositories(opts: ListRepositoriesOptions = {}): AsyncGenerator<RepositoryRef> {
    const { signal } = opts;
    if (!(await this.vendorAvailable(signal))) return yield* super.listRepositories(opts);
    const size = Math.min(Math.max(1, opts.pageSize ?? PAGE_MAX), PAGE_MAX);
    const project = this.namespace.split('/')[0];
    if (project) return yield* this.projectRepositories(project, size, true, signal);
    for await (const page of harborPages(this.api, `${API}/projects?with_detail=false`, ProjectList, size, signal)) {
      for (const p of page) yield* this.projectRepositories(p.name, size, false, signal);
    }
  }

  /** Tags of every artifact of the repository (`GET …/artifacts?with_tag=true`); untagged artifacts have none. */
  override async listTags(repo: RepositoryRef, signal?: AbortSignal): Promise<string[]> {
    if (!repo.namespace || !(await this.vendorAvailable(signal))) return super.listTags(repo, signal);
    // swagger `parameters/repositoryName`: a name with a slash is URL-encoded twice (a/b → a%252Fb).
    const name = encodeURIComponent(encodeURIComponent(repo.name));
    const path = `${API}/projects/${encodeURIComponent(repo.namespace)}/repositories/${name}/artifacts?with_tag=true`;
    const tags: string[] = [];
    for await (const page of harborPages(this.api, path, ArtifactList, PAGE_MAX, signal)) {
      for (const artifact of page) tags.push(...(artifact.tags ?? []).map((t) => t.name));
    }
    return tags;
  }

  /** `GET /projects/{name}/repositories`; a project gone since it was listed is skipped. */
  private async *projectRepositories(project: string, size: number, configured: boolean, signal?: AbortSignal) {
    const path = `${API}/projects/${encodeURIComponent(project)}/repositories`;
    try {
      for await (const page of harborPages(this.api, path, RepositoryList, size, signal)) {
        for (const { name } of page) {
          const repository = name.startsWith(`${project}/`) ? name : `${project}/${name}`;
          if (inNamespace(repository, this.namespace)) yield repositoryRef(repository);
        }
      }
    } catch (err) {
      if (!(err instanceof RegistryError && err.status === 404)) throw err;
      if (configured) {
        const message = `Harbor project "${project}" not found at ${this.config.address} (or not visible to this account)`;
        throw new RegattaError('NAMESPACE_NOT_FOUND', message, { cause: err });
      }
    }
  }
}

/**
 * Harbor's paging: `page` (from 1) and `page_size`. A `Link: <…>; rel="next"` header, else `X-Total-Count`,
 * else a full page, tells that another page follows (swagger: the list responses' `headers`).
 */
async function* harborPages<T>(
  api: VendorApi,
  path: string,
  schema: z.ZodType<T[]>,
  size: number,
  signal?: AbortSignal,
): AsyncGenerator<T[]> {
  let seen = 0;
  let previous = '';
  for (let page = 1; ; page++) {
    const url = `${path}${path.includes('?') ? '&' : '?'}page=${page}&page_size=${size}`;
    const { data, headers } = await api.getJson(url, schema, signal);
    // A server that ignores `page` repeats the first page, forever without paging headers.
    const fingerprint = JSON.stringify(data);
    if (data.length === 0 || fingerprint === previous) return;
    previous = fingerprint;
    yield data;
    seen += data.length;
    if (!morePages(headers, seen, data.length, size)) return;
  }
}

export function morePages(headers: IncomingHttpHeaders, seen: number, got: number, size: number): boolean {
  if (headers.link !== undefined) return nextLink(headers.link, `http://harbor.invalid${API}/`) !== undefined;
  const total = Number(headers['x-total-count']);
  if (headers['x-total-count'] !== undefined && Number.isFinite(total)) return seen < total;
  return got >= size;
}

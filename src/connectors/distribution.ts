// The Distribution base every connector extends (Harbor's `native.Adapter`): health over `/v2/`, repositories
// from `/v2/_catalog`, tags from `/v2/<name>/tags/list`. Vendors override only what their registry does
// differently. https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md
import { type ClientOptions, RegistryClient } from '../oci/client.js';
import type { Credentials } from '../oci/credentials.js';
import { RegattaError, RegistryError } from '../oci/errors.js';
import { catalogPages } from './catalog.js';
import type {
  Capabilities,
  Connector,
  ConnectorConfig,
  HealthResult,
  ListRepositoriesOptions,
  RegistryType,
  RepositoryRef,
} from './connector.js';
import { HEALTH_RETRY, HEALTH_TIMEOUT_MS, healthFailure, isCatalogRefusal, probeRegistry } from './health.js';
import { inNamespace, normalizeNamespace, repositoryRef } from './repository.js';

/** `host`, `host:port`, `[v6]:port`: what references write before the repository path. */
const ADDRESS_RE =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[a-fA-F0-9:]+\])(?::\d{1,5})?$/;

/** What probing taught a connector; it refines the declared capabilities. */
interface Learned {
  catalog?: boolean;
  vendorApi?: boolean;
}

export class DistributionConnector implements Connector {
  readonly type: RegistryType;
  readonly client: RegistryClient;
  protected readonly config: ConnectorConfig;
  /** The configured namespace, normalised ('' for none). */
  protected readonly namespace: string;
  protected readonly learned: Learned = {};

  constructor(config: ConnectorConfig) {
    if (!ADDRESS_RE.test(config.address)) {
      const shown = JSON.stringify(config.address.slice(0, 200));
      throw new RegattaError('INVALID_CONFIG', `registry address ${shown} is not host[:port] (no scheme, no path)`);
    }
    this.config = { ...config };
    this.type = config.type;
    this.namespace = normalizeNamespace(config.namespace);
    this.client = new RegistryClient(config.address, this.clientOptions());
  }

  capabilities(): Capabilities {
    const declared = this.declaredCapabilities();
    return {
      ...declared,
      catalog: this.learned.catalog ?? declared.catalog,
      vendorListing: declared.vendorListing && this.learned.vendorApi !== false,
    };
  }

  /** The two-step probe of {@link probeRegistry} on a short-lived client: no cached token hides a change. */
  async healthCheck(signal?: AbortSignal): Promise<HealthResult> {
    const probe = new RegistryClient(this.config.address, this.clientOptions(true));
    try {
      const { catalog } = await probeRegistry(probe, signal);
      this.learned.catalog = catalog;
      return { ok: true };
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      return healthFailure(err, this.credentials() !== undefined);
    } finally {
      await probe.close();
    }
  }

  /**
   * Repositories from `/v2/_catalog`, page by page, limited to the configured namespace.
   * @throws RegattaError `CATALOG_UNAVAILABLE` when the registry does not offer the catalog to this account
   */
  async *listRepositories(opts: ListRepositoriesOptions = {}): AsyncGenerator<RepositoryRef> {
    const pages = catalogPages(this.client.transport, opts);
    let first = true;
    try {
      for (;;) {
        let page: IteratorResult<string[]>;
        try {
          page = await pages.next();
        } catch (err) {
          // Only the first page tells whether the catalog is offered; a later failure is a fault of its own.
          throw first ? await this.catalogError(err, opts.signal) : err;
        }
        if (page.done) return;
        first = false;
        this.learned.catalog = true;
        for (const repository of page.value) {
          if (inNamespace(repository, this.namespace)) yield repositoryRef(repository);
        }
      }
    } finally {
      await pages.return(undefined); // the consumer stopped early: no further page is fetched
    }
  }

  listTags(repo: RepositoryRef, signal?: AbortSignal): Promise<string[]> {
    return this.client.tagList(repo.repository, { signal });
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** Distribution ships with `storage.delete` off, and without the referrers API (2.8). */
  protected declaredCapabilities(): Capabilities {
    return { catalog: true, vendorListing: false, mount: true, referrers: false, deleteManifests: false };
  }

  protected credentials(): Credentials | undefined {
    const { username, password } = this.config;
    return username ? { username, password: password ?? '' } : undefined;
  }

  /** Options for `/v2/` clients; health probes give up sooner. */
  protected clientOptions(forHealth = false): ClientOptions {
    const timeoutMs = this.config.timeoutMs ?? 30_000;
    return {
      insecure: this.config.protocol === 'http',
      credentials: this.credentials(),
      concurrency: forHealth ? 2 : this.config.concurrency,
      timeoutMs: forHealth ? Math.min(timeoutMs, HEALTH_TIMEOUT_MS) : timeoutMs,
      ...(forHealth ? { retry: HEALTH_RETRY } : { onRetry: this.config.onRetry }),
    };
  }

  /**
   * A catalog refusal becomes CATALOG_UNAVAILABLE; a 401/403 only when `/v2/` accepts the same credentials,
   * so that wrong credentials still surface as the auth error they are.
   */
  private async catalogError(err: unknown, signal?: AbortSignal): Promise<unknown> {
    if (!isCatalogRefusal(err)) return err;
    if (err.isAuth) {
      try {
        const res = await this.client.transport.send({ method: 'GET', url: '/v2/', scopes: [], expect: [200], signal });
        await res.body.dump();
      } catch {
        return err;
      }
    }
    this.learned.catalog = false;
    const why = err instanceof RegistryError ? `${err.code}, HTTP ${err.status}` : 'refused';
    return new RegattaError(
      'CATALOG_UNAVAILABLE',
      `registry ${this.config.address} does not list its repositories to this account (/v2/_catalog: ${why}); ` +
        'use an account allowed to read the catalog, or the vendor type of this registry',
      { cause: err },
    );
  }
}

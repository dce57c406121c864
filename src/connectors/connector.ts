// The connector contract: one adapter per registry type over a Distribution base (DESIGN.md, "Architecture"),
// as Harbor's `src/pkg/reg/adapter` does: vendors override only their quirks and declare their capabilities.
import type { RegistryClient } from '../oci/client.js';
import { RegattaError } from '../oci/errors.js';
import type { RetryInfo } from '../oci/transport.js';
import { DistributionConnector } from './distribution.js';
import { HarborConnector } from './harbor.js';
import { JfrogConnector } from './jfrog.js';

export const REGISTRY_TYPES = ['Harbor', 'Jfrog', 'SwrPrivate', 'SwrShared', 'SwrEnterprise', 'Other'] as const;
export type RegistryType = (typeof REGISTRY_TYPES)[number];

/** How to reach one registry: the registry row of the store, with the password decrypted. */
export interface ConnectorConfig {
  type: RegistryType;
  /** `host[:port]`, without scheme or path. */
  address: string;
  /** Loopback addresses always speak http to `/v2/`, as Docker does; the vendor APIs use this as given. */
  protocol: 'http' | 'https';
  username?: string;
  password?: string;
  /** Limits listing to repositories under this path (a Harbor project, an Artifactory repository key). */
  namespace?: string;
  /** Parallel connections to the registry (default 8). */
  concurrency?: number;
  /** Connect and response-header timeout of every request, ms (default 30 s; health checks use at most 10 s). */
  timeoutMs?: number;
  /** Told of each retried request (not for health checks), so a task can show "retrying" rather than "failed". */
  onRetry?: (info: RetryInfo) => void;
}

/**
 * What Regatta may count on without trying (Harbor's adapter `Info()`). Declared per type, then refined by what
 * the connector learned: a catalog or vendor API found missing turns its flag off.
 */
export interface Capabilities {
  /** `/v2/_catalog` lists the repositories. */
  catalog: boolean;
  /** Repositories are listed through the vendor's own API (Harbor projects, Artifactory repository keys). */
  vendorListing: boolean;
  /** Cross-repository blob mount (`POST /v2/<name>/blobs/uploads/?mount=&from=`). */
  mount: boolean;
  /** The OCI referrers API (`GET /v2/<name>/referrers/<digest>`). */
  referrers: boolean;
  /** `DELETE /v2/<name>/manifests/<digest>` is allowed. */
  deleteManifests: boolean;
}

export interface RepositoryRef {
  /** Full path as pulled, e.g. `team/app`; for Artifactory `{repoKey}/{image}` (repository-path method). */
  repository: string;
  /** First path component, '' when the path has only one. */
  namespace: string;
  /** The rest of the path. */
  name: string;
}

/** Why a registry cannot be used; the first three are HSS's `fail_reason` values plus our finer causes. */
export type HealthFailureReason = 'REQUEST_API_ERROR' | 'AUTH_FAILED' | 'SERVER_ERROR' | 'TLS_ERROR';

export type HealthResult =
  | { ok: true }
  | {
      ok: false;
      reason: HealthFailureReason;
      /** One line for people: what failed and why, never a secret. */
      detail: string;
    };

export interface ListRepositoriesOptions {
  signal?: AbortSignal;
  /** Entries asked for per page (capped by what each API allows). */
  pageSize?: number;
}

export interface Connector {
  readonly type: RegistryType;
  /** The `/v2/` client for manifests and blobs. */
  readonly client: RegistryClient;
  capabilities(): Capabilities;
  /** Tells reachable from unreachable, and why: resolves with a result, rejects only when `signal` aborts. */
  healthCheck(signal?: AbortSignal): Promise<HealthResult>;
  /** Every repository (under `namespace` when configured), streamed page by page. */
  listRepositories(opts?: ListRepositoriesOptions): AsyncIterable<RepositoryRef>;
  listTags(repo: RepositoryRef, signal?: AbortSignal): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Makes the connector for a registry type: Harbor and Artifactory get their adapters, every other type (SWR for
 * now, and "Other") the Distribution base.
 *
 * @throws RegattaError `INVALID_CONFIG` for an unknown type or an address that is not `host[:port]`
 */
export function createConnector(config: ConnectorConfig): Connector {
  switch (config.type) {
    case 'Harbor':
      return new HarborConnector(config);
    case 'Jfrog':
      return new JfrogConnector(config);
    case 'SwrPrivate':
    case 'SwrShared':
    case 'SwrEnterprise':
    case 'Other':
      return new DistributionConnector(config);
    default:
      throw new RegattaError('INVALID_CONFIG', `unknown registry type ${JSON.stringify(config.type)}`);
  }
}

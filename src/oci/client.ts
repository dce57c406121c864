// The registry client: one instance per registry host, methods named noun-verb after the distribution spec's
// endpoints so they sort together (catalogList, tagList, manifestGet, blobHead …).
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#endpoints

import { type BlobReadOptions, blobGet, blobHead } from './blob-read.js';
import {
  type BlobSource,
  type BlobWriteOptions,
  blobMount,
  blobMountOrStart,
  blobPut,
  uploadCancel,
} from './blob-write.js';
import { type ListOptions, listPages } from './listing.js';
import type { Descriptor } from './manifest.js';
import {
  manifestDelete,
  manifestGet,
  manifestHead,
  manifestPut,
  type PushableManifest,
  tagDelete,
} from './manifests.js';
import { tagsPath } from './paths.js';
import { apiHost, isLoopbackHost } from './reference.js';
import { referrersList } from './referrers.js';
import { CATALOG_SCOPE, pullScope } from './scopes.js';
import { type HostConfig, Transport } from './transport.js';

export type ClientOptions = Omit<HostConfig, 'registry'>;

export class RegistryClient {
  readonly registry: string;
  readonly transport: Transport;

  /** Loopback registries are spoken to over plain http, as Docker does; anything else needs `insecure`. */
  constructor(registry: string, options: ClientOptions = {}) {
    this.registry = registry;
    this.transport = new Transport({
      ...options,
      registry: apiHost(registry),
      insecure: options.insecure || isLoopbackHost(registry),
    });
  }

  /** Repository names from `/v2/_catalog`, following `Link` pages. */
  catalogList(opts?: ListOptions): Promise<string[]> {
    return listPages(this.transport, '/v2/_catalog', 'repositories', [CATALOG_SCOPE], opts);
  }

  /** Tags of a repository from `/v2/<name>/tags/list`, following `Link` pages. */
  tagList(repository: string, opts?: ListOptions): Promise<string[]> {
    return listPages(this.transport, tagsPath(repository), 'tags', [pullScope(repository)], opts);
  }

  manifestHead(repository: string, reference: string, signal?: AbortSignal) {
    return manifestHead(this.transport, repository, reference, signal);
  }

  manifestGet(repository: string, reference: string, signal?: AbortSignal) {
    return manifestGet(this.transport, repository, reference, signal);
  }

  manifestPut(repository: string, reference: string, manifest: PushableManifest, signal?: AbortSignal) {
    return manifestPut(this.transport, repository, reference, manifest, signal);
  }

  manifestDelete(repository: string, digest: string, signal?: AbortSignal) {
    return manifestDelete(this.transport, repository, digest, signal);
  }

  /** Deletes one tag only; false when the registry does not delete tags (then only `manifestDelete` is left). */
  tagDelete(repository: string, tag: string, signal?: AbortSignal) {
    return tagDelete(this.transport, repository, tag, signal);
  }

  blobHead(repository: string, digest: string, signal?: AbortSignal) {
    return blobHead(this.transport, repository, digest, signal);
  }

  blobGet(repository: string, descriptor: Pick<Descriptor, 'digest' | 'size'>, opts?: BlobReadOptions) {
    return blobGet(this.transport, repository, descriptor, opts);
  }

  blobPut(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    source: BlobSource,
    opts?: BlobWriteOptions,
  ) {
    return blobPut(this.transport, repository, descriptor, source, opts);
  }

  blobMount(repository: string, fromRepository: string, digest: string, signal?: AbortSignal) {
    return blobMount(this.transport, repository, fromRepository, digest, signal);
  }

  blobMountOrStart(repository: string, fromRepository: string, digest: string, signal?: AbortSignal) {
    return blobMountOrStart(this.transport, repository, fromRepository, digest, signal);
  }

  uploadCancel(repository: string, location: string) {
    return uploadCancel(this.transport, repository, location);
  }

  referrersList(repository: string, digest: string, artifactType?: string, signal?: AbortSignal) {
    return referrersList(this, repository, digest, artifactType, signal);
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

// Builds registry clients for CLI commands: credentials from flags, else from Docker's config.json.
import { RegistryClient } from '../oci/client.js';
import { loadDockerConfigCredentials, parseUserPass, type RegistryCredentials } from '../oci/credentials.js';
import type { RetryInfo } from '../oci/transport.js';

export interface ConnectOptions {
  /** `user:password` from a flag. */
  creds?: string;
  /** Allow plain http to a non-loopback registry. */
  insecure?: boolean;
  concurrency?: number;
  onRetry?: (info: RetryInfo) => void;
}

/** A client for `registry`; loopback registries speak http, others https unless `insecure`. */
export async function connect(registry: string, opts: ConnectOptions = {}): Promise<RegistryClient> {
  const credentials: RegistryCredentials | undefined = opts.creds
    ? parseUserPass(opts.creds)
    : await loadDockerConfigCredentials(registry);
  return new RegistryClient(registry, {
    credentials,
    insecure: opts.insecure,
    concurrency: opts.concurrency,
    onRetry: opts.onRetry,
    userAgent: 'regatta-cli',
  });
}

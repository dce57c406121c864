// Repository paths as connectors report them: split into namespace and name, checked against the reference
// grammar when they come from a vendor API, and filtered by the configured namespace.
// Name grammar: https://github.com/distribution/reference/blob/main/reference.go
import { isValidRepository } from '../oci/reference.js';
import type { RepositoryRef } from './connector.js';

/** Splits `team/app/web` into namespace `team` and name `app/web`; a one-component path has namespace ''. */
export function repositoryRef(repository: string): RepositoryRef {
  const slash = repository.indexOf('/');
  if (slash < 0) return { repository, namespace: '', name: repository };
  return { repository, namespace: repository.slice(0, slash), name: repository.slice(slash + 1) };
}

/** True for a path the `/v2/` API accepts: vendor answers are checked, since they end up in request URLs. */
export function isRepositoryName(name: string): boolean {
  return isValidRepository(name);
}

/** The configured namespace without surrounding slashes; '' when none. */
export function normalizeNamespace(namespace: string | undefined): string {
  return (namespace ?? '').replace(/^\/+|\/+$/g, '');
}

/** True when `repository` lies under `namespace` (a path prefix, one or more components); always for ''. */
export function inNamespace(repository: string, namespace: string): boolean {
  return namespace === '' || repository.startsWith(`${namespace}/`);
}

// Registry access checks: `accessing` → `success`, or `fail` with a reason that tells a network failure
// (REQUEST_API_ERROR, as HSS names it) from refused credentials (AUTH_FAILED) and server or TLS trouble.
import type { Connector } from '../connectors/connector.js';
import type { RegistryStatus } from '../store/registries.js';

export async function checkAccess(connector: Connector, signal?: AbortSignal): Promise<RegistryStatus> {
  const health = await connector.healthCheck(signal);
  if (health.ok) return { status: 'success' };
  return { status: 'fail', fail_reason: health.reason, fail_detail: health.detail };
}

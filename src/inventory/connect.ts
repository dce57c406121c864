// A connector for a stored registry, with its password decrypted only for the life of the connector.
import { type Connector, type ConnectorConfig, createConnector, type RegistryType } from '../connectors/connector.js';
import type { RegistryStore, RegistryView } from '../store/registries.js';

export async function connectorFor(
  registries: RegistryStore,
  registryId: string,
  extra: Pick<ConnectorConfig, 'onRetry'> = {},
): Promise<{ registry: RegistryView; connector: Connector } | undefined> {
  const row = await registries.connectionOf(registryId);
  if (!row) return undefined;
  const { password, ...registry } = row;
  return { registry, connector: connectorOf(registry, password, extra) };
}

/** The connector a stored registry's row describes (type, address, protocol, credentials, namespace). */
export function connectorOf(
  registry: RegistryView,
  password: string | undefined,
  extra: Pick<ConnectorConfig, 'onRetry' | 'concurrency'> = {},
): Connector {
  return createConnector({
    type: registry.registry_type as RegistryType,
    address: registry.registry_addr,
    protocol: registry.protocol === 'http' ? 'http' : 'https',
    username: registry.registry_username ?? undefined,
    password,
    namespace: registry.namespace ?? undefined,
    ...extra,
  });
}

// Builds the configuration of a test `docker-registry` (CNCF Distribution 2.8) as a plain object; it is written
// as JSON, which the registry's YAML parser reads as well.
import { randomBytes } from 'node:crypto';
import { LOOPBACK } from './ports.js';

export interface RegistryConfigInput {
  port: number;
  storageDir: string;
  deleteEnabled: boolean;
  htpasswdPath?: string;
  token?: { realm: string; service: string; issuer: string; rootcertbundle: string };
  notifications?: { url: string; token: string };
}

function authSection(input: RegistryConfigInput): Record<string, unknown> | undefined {
  if (input.htpasswdPath) return { htpasswd: { realm: 'regatta-test', path: input.htpasswdPath } };
  if (input.token) return { token: input.token };
  return undefined;
}

function notificationsSection(input: RegistryConfigInput): Record<string, unknown> | undefined {
  if (!input.notifications) return undefined;
  const endpoint = {
    name: 'regatta-test',
    url: input.notifications.url,
    timeout: '2s',
    threshold: 3,
    backoff: '1s',
    headers: { 'X-Auth-Token': [input.notifications.token] },
  };
  return { endpoints: [endpoint] };
}

export function registryConfig(input: RegistryConfigInput): Record<string, unknown> {
  return {
    version: '0.1',
    log: { level: 'warn', fields: { service: 'registry' } },
    storage: {
      filesystem: { rootdirectory: input.storageDir },
      delete: { enabled: input.deleteEnabled },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: {
      addr: `${LOOPBACK}:${input.port}`,
      secret: randomBytes(16).toString('hex'),
      headers: { 'X-Content-Type-Options': ['nosniff'] },
    },
    auth: authSection(input),
    notifications: notificationsSection(input),
  };
}

// Everything the API and the workers share: the stores and the queue. Built once per process by
// `regatta serve` / `regatta worker` (cli/runtime.ts), passed down explicitly.
import type { Kysely } from 'kysely';
import type PgBoss from 'pg-boss';
import { ConnectorPool } from '../inventory/connector-pool.js';
import { AuditStore } from '../store/audit.js';
import { CredentialStore } from '../store/credentials.js';
import type { Database } from '../store/database.js';
import { IdentityStore } from '../store/identities.js';
import { ImageStore } from '../store/images.js';
import { InventoryTaskStore } from '../store/inventory-tasks.js';
import { NonceStore } from '../store/nonces.js';
import { PrincipalStore } from '../store/principals.js';
import { ProjectStore } from '../store/projects.js';
import { RegistryStore } from '../store/registries.js';
import { ScanResultStore } from '../store/scan-results.js';
import { ScanTaskStore } from '../store/scan-tasks.js';
import type { Schema } from '../store/schema.js';
import type { SecretBox } from '../store/secrets.js';
import { SignatureCheckStore } from '../store/signature-checks.js';
import { SyncRuleStore } from '../store/sync-rules.js';
import { SyncTaskStore } from '../store/sync-tasks.js';
import { TrustedKeyStore } from '../store/trusted-keys.js';
import { JobSignals } from './job-signals.js';
import type { WebhookConfig } from './webhooks.js';

export interface AppContext {
  db: Kysely<Schema>;
  registries: RegistryStore;
  identities: IdentityStore;
  projects: ProjectStore;
  principals: PrincipalStore;
  credentials: CredentialStore;
  audit: AuditStore;
  images: ImageStore;
  inventoryTasks: InventoryTaskStore;
  nonces: NonceStore;
  syncRules: SyncRuleStore;
  syncTasks: SyncTaskStore;
  scanResults: ScanResultStore;
  scanTasks: ScanTaskStore;
  trustedKeys: TrustedKeyStore;
  signatureChecks: SignatureCheckStore;
  boss: PgBoss;
  /** Queues jobs and wakes the workers of their queue, here and in other processes (job-signals.ts). */
  jobs: JobSignals;
  /** Connectors of stored registries shared by this process's sync tasks (kept-alive connections, tokens). */
  connectors: ConnectorPool;
  /** The installation's key: encrypts stored credentials, and MACs ids handed out (`secrets.mac`). */
  secrets: SecretBox;
  /** Where events go (REGATTA_WEBHOOK_URL), if anywhere. */
  webhook?: WebhookConfig;
}

export function makeContext(database: Database, secrets: SecretBox, boss: PgBoss, webhook?: WebhookConfig): AppContext {
  const db = database.db;
  const registries = new RegistryStore(db, secrets);
  return {
    db,
    registries,
    identities: new IdentityStore(db, secrets),
    projects: new ProjectStore(db),
    principals: new PrincipalStore(db),
    credentials: new CredentialStore(db, secrets),
    audit: new AuditStore(db),
    images: new ImageStore(db),
    inventoryTasks: new InventoryTaskStore(db),
    nonces: new NonceStore(db),
    syncRules: new SyncRuleStore(db),
    syncTasks: new SyncTaskStore(db),
    scanResults: new ScanResultStore(db),
    scanTasks: new ScanTaskStore(db),
    trustedKeys: new TrustedKeyStore(db),
    signatureChecks: new SignatureCheckStore(db),
    boss,
    jobs: new JobSignals(boss, database),
    connectors: new ConnectorPool(registries),
    secrets,
    ...(webhook ? { webhook } : {}),
  };
}

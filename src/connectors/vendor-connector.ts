// What Harbor and Artifactory adapters share: a vendor JSON API beside `/v2/`, found (or not) by a ping path.
// When the vendor API is missing at the address (404: an older product, a proxy passing only `/v2/`), the
// connector behaves as the Distribution base.
import type { ConnectorConfig, HealthResult } from './connector.js';
import { DistributionConnector } from './distribution.js';
import { HEALTH_RETRY, HEALTH_TIMEOUT_MS, healthFailure } from './health.js';
import { VendorApi, type VendorApiConfig } from './vendor-api.js';

export abstract class VendorConnector extends DistributionConnector {
  protected readonly api: VendorApi;
  /** A vendor API path that answers 200 without side effects when the API is there. */
  protected abstract readonly pingPath: string;

  constructor(config: ConnectorConfig) {
    super(config);
    this.api = new VendorApi(this.vendorConfig());
  }

  /**
   * 1. The vendor ping (a short-lived client): a network, TLS or server fault ends the check here;
   *    a 404 only means the vendor API is absent, which listing then works around.
   * 2. The Distribution probe: credentials and catalog.
   */
  override async healthCheck(signal?: AbortSignal): Promise<HealthResult> {
    const api = new VendorApi(this.vendorConfig(true));
    try {
      this.learned.vendorApi = await api.exists(this.pingPath, signal);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      return healthFailure(err, this.credentials() !== undefined);
    } finally {
      await api.close();
    }
    return super.healthCheck(signal);
  }

  override async close(): Promise<void> {
    await Promise.all([super.close(), this.api.close()]);
  }

  /** Whether the vendor API answers here; asked once, then remembered. */
  protected async vendorAvailable(signal?: AbortSignal): Promise<boolean> {
    this.learned.vendorApi ??= await this.api.exists(this.pingPath, signal);
    return this.learned.vendorApi;
  }

  /** The vendor API takes the same credentials as `/v2/`, always as Basic auth. */
  protected vendorConfig(forHealth = false): VendorApiConfig {
    const timeoutMs = this.config.timeoutMs ?? 30_000;
    return {
      origin: `${this.config.protocol}://${this.config.address}`,
      credentials: this.credentials(),
      concurrency: forHealth ? 1 : this.config.concurrency,
      timeoutMs: forHealth ? Math.min(timeoutMs, HEALTH_TIMEOUT_MS) : timeoutMs,
      ...(forHealth ? { retry: HEALTH_RETRY } : {}),
    };
  }
}

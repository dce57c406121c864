// The real Huawei Cloud SDK core (@huaweicloud/huaweicloud-sdk-core) as an API client in tests: a generic client
// signing with AK/SK exactly as Huawei's service SDKs do. The SDK writes ~/.huaweicloud/application_id and logs
// every error response through log4js; `huaweiSdkSandbox()` points HOME at a temp dir and silences the log.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core';
import { ClientBuilder } from '@huaweicloud/huaweicloud-sdk-core/ClientBuilder.js';

export type HuaweiClient = ReturnType<ClientBuilder<unknown>['build']> & {
  sendRequest(req: {
    method: string;
    url: string;
    queryParams: object;
    pathParams: object;
    headers: object;
    contentType: string;
    data?: object;
  }): Promise<unknown>;
};

/** A generic HSS-style client for `endpoint`, signing with the key pair; `{project_id}` in URLs is filled in. */
export function huaweiClient(endpoint: string, ak: string, sk: string, projectId: string): HuaweiClient {
  const credential = new BasicCredentials().withAk(ak).withSk(sk).withProjectId(projectId);
  return new ClientBuilder((hc) => hc).withCredential(credential).withEndpoint(endpoint).build() as HuaweiClient;
}

/** Isolates the SDK's side effects; returns the undo. */
export function huaweiSdkSandbox(): () => void {
  silenceSdkLogger();
  const home = mkdtempSync(join(tmpdir(), 'regatta-hw-home-'));
  const saved = process.env.HOME;
  process.env.HOME = home;
  return () => {
    if (saved === undefined) delete process.env.HOME;
    else process.env.HOME = saved;
    rmSync(home, { recursive: true, force: true });
  };
}

export function silenceSdkLogger(): void {
  try {
    const require = createRequire(import.meta.url);
    const fromCore = createRequire(require.resolve('@huaweicloud/huaweicloud-sdk-core'));
    const log4js = fromCore('log4js') as { configure(config: unknown): void };
    log4js.configure({
      appenders: { out: { type: 'stdout' } },
      categories: { default: { appenders: ['out'], level: 'off' } },
    });
  } catch {
    // noisy but harmless
  }
}

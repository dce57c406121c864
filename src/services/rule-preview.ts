// A rule's dry run: the images it would select on its source right now, each with its target and what a copy
// would do (copy, skip: the target already names that digest, conflict: it names another image and override is
// off). Nothing is written. The console shows this before a rule is saved. The same pipeline as a rule run:
// select.ts lists, run.ts plans (its dry run), so the preview cannot disagree with what a run would do.
import type { AppContext } from '../app/context.js';
import { RegattaError } from '../errors.js';
import { connectorFor } from '../inventory/connect.js';
import { parsePlatform } from '../oci/manifest.js';
import { fullPath, type ImagePath, type RuleSelector } from '../replication/rule-match.js';
import { syncImages } from '../replication/run.js';
import { connectorSource, selectImages } from '../replication/select.js';

export interface PreviewItem {
  source: ImagePath;
  target: ImagePath;
  action: 'copy' | 'skip' | 'conflict' | 'error' | 'unplanned';
  digest?: string;
  /** The error code when the image could not be planned (e.g. MANIFEST_UNKNOWN). */
  error?: string;
}

export interface RulePreview {
  total: number;
  items: PreviewItem[];
}

export interface PreviewRequest {
  selector: RuleSelector;
  sourceRegistryId: string;
  targetRegistryId: string;
  override: boolean;
  platforms: string[] | null;
  /** Images planned against the target (HEADs on both sides); the rest are listed as `unplanned`. */
  planLimit: number;
  signal?: AbortSignal;
}

const PLAN_CONCURRENCY = 4;

export async function previewRule(ctx: AppContext, req: PreviewRequest): Promise<RulePreview> {
  const source = await connectorFor(ctx.registries, req.sourceRegistryId);
  const target = await connectorFor(ctx.registries, req.targetRegistryId);
  try {
    if (!source || !target) throw new RegattaError('REGISTRY_DELETED', 'the source or target registry was removed');
    const { planned } = await selectImages(connectorSource(source.connector), req.selector, { signal: req.signal });
    const platform = req.platforms?.length === 1 ? parsePlatform(req.platforms[0]!) : undefined;
    const endpoint = (client: typeof source.connector.client, p: ImagePath) => ({
      client,
      repository: fullPath(p.namespace, p.repository),
      reference: p.tag,
    });
    const items = planned.slice(0, req.planLimit).map((p) => ({
      src: endpoint(source.connector.client, p.source),
      dst: endpoint(target.connector.client, p.target),
      override: req.override,
      platform,
    }));
    const outcomes = await syncImages(items, { jobs: PLAN_CONCURRENCY, dryRun: true, signal: req.signal });
    return {
      total: planned.length,
      items: planned.map((p, i): PreviewItem => {
        const o = outcomes[i];
        if (!o) return { ...p, action: 'unplanned' };
        if (o.status === 'failed') return { ...p, action: 'error', error: o.code };
        return { ...p, action: o.status === 'copy' || o.status === 'skip' ? o.status : 'conflict', digest: o.digest };
      }),
    };
  } finally {
    await source?.connector.close();
    await target?.connector.close();
  }
}

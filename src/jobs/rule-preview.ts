// A rule's dry run: the images it would select on its source right now, each with its target and what a copy
// would do (copy, skip: the target already names that digest, conflict: it names another image and override is
// off). Nothing is written. The console shows this before a rule is saved.
import pLimit from 'p-limit';
import { RegattaError } from '../errors.js';
import { connectorFor } from '../inventory/connect.js';
import { parsePlatform } from '../oci/manifest.js';
import { expandRule } from '../replication/expand.js';
import { planImage } from '../replication/plan.js';
import { fullPath, type ImagePath, type RuleSelector } from '../replication/rule-match.js';
import type { AppContext } from './context.js';

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
    const planned = await expandRule(source.connector, req.selector, { signal: req.signal });
    const platform = req.platforms?.length === 1 ? parsePlatform(req.platforms[0]!) : undefined;
    const limit = pLimit(PLAN_CONCURRENCY);
    const items = await Promise.all(
      planned.map((p, i): Promise<PreviewItem> | PreviewItem => {
        if (i >= req.planLimit) return { ...p, action: 'unplanned' };
        return limit(async () => {
          try {
            const plan = await planImage(
              {
                client: source.connector.client,
                repository: fullPath(p.source.namespace, p.source.repository),
                reference: p.source.tag,
              },
              {
                client: target.connector.client,
                repository: fullPath(p.target.namespace, p.target.repository),
                reference: p.target.tag,
              },
              { platform, override: req.override, signal: req.signal },
            );
            return { ...p, action: plan.action, digest: plan.sourceDigest };
          } catch (err) {
            return { ...p, action: 'error', error: err instanceof RegattaError ? err.code : 'UNKNOWN' };
          }
        });
      }),
    );
    return { total: planned.length, items };
  } finally {
    await source?.connector.close();
    await target?.connector.close();
  }
}

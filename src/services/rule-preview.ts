// A rule's dry run: the images it would select on its source right now, each with its target and what a copy
// would do (copy, skip: the target already names that digest, conflict: it names another image and override is
// off). Nothing is written. The console shows this before a rule is saved. The same pipeline as a rule run:
// select.ts lists, run.ts plans (its dry run), so the preview cannot disagree with what a run would do.
import type { AppContext } from '../app/context.js';
import { RegattaError } from '../errors.js';
import { connectorFor } from '../inventory/connect.js';
import type { RegistryClient } from '../oci/client.js';
import { parsePlatform } from '../oci/manifest.js';
import { hasGates } from '../replication/gates.js';
import { fullPath, type ImagePath, type RuleSelector } from '../replication/rule-match.js';
import { syncImages } from '../replication/run.js';
import { connectorSource, selectImages } from '../replication/select.js';
import type { RuleGates } from '../store/schema.js';
import { decide } from './gates.js';

export interface PreviewItem {
  source: ImagePath;
  target: ImagePath;
  action: 'copy' | 'skip' | 'conflict' | 'error' | 'unplanned';
  digest?: string;
  /** The error code when the image could not be planned (e.g. MANIFEST_UNKNOWN). */
  error?: string;
  /** The rule's gates on this image, for a planned image of a gated rule; nothing is scanned for a preview. */
  gate?: { verdict: 'pass' | 'blocked' | 'needs_scan'; gate?: string; detail?: string };
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
  /** The rule copies referrers with their images. */
  referrers: boolean;
  platforms: string[] | null;
  /** Images planned against the target (HEADs on both sides); the rest are listed as `unplanned`. */
  planLimit: number;
  /** The rule's gates, judged for each planned image; `projectId` says whose trusted keys. */
  gates?: RuleGates | null;
  projectId: string;
  signal?: AbortSignal;
}

const PLAN_CONCURRENCY = 4;

/** The gates' verdict on one planned image, written into it; nothing is scanned (a preview changes nothing). */
async function judge(
  ctx: AppContext,
  gates: RuleGates,
  item: PreviewItem,
  at: { projectId: string; registryId: string; client: RegistryClient },
  req: PreviewRequest,
): Promise<void> {
  const repository = fullPath(item.source.namespace, item.source.repository);
  try {
    const manifest = await at.client.manifestGet(repository, item.digest!, req.signal);
    const v = await decide(ctx, gates, { ...at, repository, manifest }, req.platforms, req.signal);
    if (v.pass === true) item.gate = { verdict: 'pass' };
    else if (v.pass === false) item.gate = { verdict: 'blocked', gate: v.gate, detail: v.detail };
    else item.gate = { verdict: 'needs_scan', detail: `no current scan of ${v.digests.join(', ')}` };
  } catch (err) {
    item.gate = { verdict: 'blocked', gate: 'error', detail: err instanceof Error ? err.message : String(err) };
  }
}

export async function previewRule(ctx: AppContext, req: PreviewRequest): Promise<RulePreview> {
  const source = await connectorFor(ctx.registries, req.sourceRegistryId);
  const target = await connectorFor(ctx.registries, req.targetRegistryId);
  try {
    if (!source || !target) throw new RegattaError('REGISTRY_DELETED', 'the source or target registry was removed');
    // Referrer tags ride with their images, as in a run: not images of their own here either.
    const { planned } = await selectImages(connectorSource(source.connector), req.selector, {
      signal: req.signal,
      referrers: req.referrers,
    });
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
    const listed = planned.map((p, i): PreviewItem => {
      const o = outcomes[i];
      if (!o) return { ...p, action: 'unplanned' };
      if (o.status === 'failed') return { ...p, action: 'error', error: o.code };
      return { ...p, action: o.status === 'copy' || o.status === 'skip' ? o.status : 'conflict', digest: o.digest };
    });
    const gates = req.gates;
    if (hasGates(gates)) {
      const at = { projectId: req.projectId, registryId: req.sourceRegistryId, client: source.connector.client };
      await Promise.all(listed.map((item) => (item.digest ? judge(ctx, gates, item, at, req) : undefined)));
    }
    return { total: planned.length, items: listed };
  } finally {
    await source?.connector.close();
    await target?.connector.close();
  }
}

// The rule form's values and the body POST|PUT /api/v1/rules (and /rules/preview) take, one from the other: empty
// optional fields are left out (the server refuses empty strings), the registries are named by id; the gates are
// gates.ts's.
import type { SyncRule } from '../api/types';
import { type GatesFormValues, gatesBodyOf, gatesFormOf, type RuleGates } from './gates';

export type Trigger = SyncRule['trigger'];

export interface RuleFormValues {
  name?: string;
  source_registry: string;
  source_namespace?: string;
  source_repository?: string;
  repository_filter?: string;
  tag_filter?: string;
  tag_semver?: string;
  platforms?: string[];
  target_registry: string;
  target_namespace?: string;
  target_repository?: string;
  tag_rename?: string;
  trigger: Trigger;
  override: boolean;
  referrers: boolean;
  mirror_deletes: boolean;
  gates?: GatesFormValues;
}

export interface RuleBody {
  name?: string;
  trigger: Trigger;
  override: boolean;
  referrers: boolean;
  mirror_deletes: boolean;
  gates?: RuleGates;
  source: {
    registry_id: string;
    namespace: string;
    repository?: string;
    repository_filter?: string;
    tag_filter: string;
    tag_semver?: string;
    platforms?: string[];
  };
  target: { registry_id: string; namespace: string; repository?: string; tag_rename?: string };
}

export type PreviewAction = 'copy' | 'skip' | 'conflict' | 'error' | 'unplanned';

/** A gated rule's verdict on one planned image: `gate` and `detail` name what blocked it. */
export interface GateVerdict {
  verdict: 'pass' | 'blocked' | 'needs_scan';
  gate?: string;
  detail?: string;
}

export interface ImagePath {
  namespace: string;
  repository: string;
  tag: string;
}

/** POST /api/v1/rules/preview: every image the rule selects now (`total`), the first ones listed with a plan. */
export interface RulePreview {
  total: number;
  items: Array<{
    source: ImagePath;
    target: ImagePath;
    action: PreviewAction;
    digest?: string;
    error?: string;
    gate?: GateVerdict;
  }>;
}

export const RULE_DEFAULTS: Partial<RuleFormValues> = {
  tag_filter: '.*',
  trigger: 'INITIATIVE',
  override: false,
  // The server's defaults: signatures and SBOMs travel with their image; target tags are never deleted.
  referrers: true,
  mirror_deletes: false,
};

/** A trimmed value, or undefined when nothing is left. */
const opt = (v: string | undefined) => {
  const t = v?.trim();
  return t ? t : undefined;
};

export function ruleBodyOf(v: RuleFormValues): RuleBody {
  const repository = opt(v.source_repository);
  const platforms = (v.platforms ?? []).map((p) => p.trim()).filter(Boolean);
  return {
    name: opt(v.name),
    trigger: v.trigger,
    override: Boolean(v.override),
    referrers: v.referrers ?? true,
    mirror_deletes: Boolean(v.mirror_deletes),
    gates: gatesBodyOf(v.gates),
    source: {
      registry_id: v.source_registry,
      namespace: v.source_namespace?.trim() ?? '',
      repository,
      // A filter only means something when no single repository is named.
      repository_filter: repository ? undefined : opt(v.repository_filter),
      tag_filter: opt(v.tag_filter) ?? '.*',
      tag_semver: opt(v.tag_semver),
      platforms: platforms.length ? platforms : undefined,
    },
    target: {
      registry_id: v.target_registry,
      namespace: v.target_namespace?.trim() ?? '',
      repository: opt(v.target_repository),
      tag_rename: opt(v.tag_rename),
    },
  };
}

/** A saved rule back as form values, to edit it. */
export function formValuesOf(r: SyncRule): RuleFormValues {
  const or = (v: string | null) => v ?? undefined;
  return {
    name: r.name,
    source_registry: r.source.registry_id,
    source_namespace: r.source.namespace,
    source_repository: or(r.source.repository),
    repository_filter: or(r.source.repository_filter),
    tag_filter: r.source.tag_filter,
    tag_semver: or(r.source.tag_semver),
    platforms: r.source.platforms ?? undefined,
    target_registry: r.target.registry_id,
    target_namespace: r.target.namespace,
    target_repository: or(r.target.repository),
    tag_rename: or(r.target.tag_rename),
    trigger: r.trigger,
    override: r.override,
    referrers: r.referrers,
    mirror_deletes: r.mirror_deletes,
    gates: gatesFormOf(r.gates),
  };
}

/** `namespace/repository:tag`, or `repository:tag` at the registry's root. */
export const refOf = (p: ImagePath) => `${p.namespace ? `${p.namespace}/` : ''}${p.repository}:${p.tag}`;

export const TRIGGER_LABELS: Record<Trigger, string> = {
  PASSIVE: 'On push (PASSIVE)',
  INITIATIVE: 'Manual (INITIATIVE)',
};

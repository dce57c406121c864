// Where each image a rule replicates stands (issue 15, the drift view), from the two registries' inventories alone:
// every image the rule selects at the source against the tag it maps to at the target, and the target's tags the
// rule would have made from source images that are gone. The same selection as a rule run (select.ts), so the view
// means what the next run will do: `missing` (copied next run), `drifted` (the target tag names another digest and
// the rule overrides: replaced next run), `conflict` (another digest, override off: left alone, reported), `extra`
// (at the target, no longer at the source), `in_sync`, `blocked` (not at the target because a replication gate
// of the rule refused that digest in its latest try).
import { referrerTagSubject } from '../oci/referrers.js';
import { fullPath, type RuleSelector, relativePath, tagMatches } from './rule-match.js';
import { type RepositorySource, selectImages } from './select.js';

export type DriftState = 'in_sync' | 'missing' | 'drifted' | 'conflict' | 'blocked' | 'extra';
export const DRIFT_STATES: readonly DriftState[] = ['in_sync', 'missing', 'drifted', 'conflict', 'blocked', 'extra'];

/** One tag as an inventory saw it: its full repository path, the tag, the digest. */
export interface InventoryTag {
  path: string;
  tag: string;
  digest: string;
}

export interface DriftItem {
  state: DriftState;
  source: (InventoryTag & { repository: string }) | null;
  target: { path: string; tag: string; digest: string | null };
}

export interface DriftRule extends RuleSelector {
  override: boolean;
  /** Referrer tags travel with their images (select.ts): not images of their own here either. */
  referrers?: boolean;
}

/** Every selected image and every extra target tag, with its state, sorted by target path and tag. */
export async function computeDrift(
  rule: DriftRule,
  source: readonly InventoryTag[],
  target: readonly InventoryTag[],
  blocked: ReadonlySet<string> = new Set(),
): Promise<DriftItem[]> {
  const { planned } = await selectImages(inventorySource(source), rule, { referrers: rule.referrers });
  const sourceDigest = byKey(source);
  const targetDigest = byKey(target);
  const items: DriftItem[] = [];
  const targeted = new Set<string>();
  for (const p of planned) {
    const from = fullPath(p.source.namespace, p.source.repository);
    const to = fullPath(p.target.namespace, p.target.repository);
    targeted.add(key(to, p.target.tag));
    const digest = sourceDigest.get(key(from, p.source.tag))!;
    const there = targetDigest.get(key(to, p.target.tag)) ?? null;
    const state: DriftState =
      there === digest
        ? 'in_sync'
        : blocked.has(digest)
          ? 'blocked'
          : there === null
            ? 'missing'
            : rule.override
              ? 'drifted'
              : 'conflict';
    items.push({
      state,
      source: { path: from, repository: p.source.repository, tag: p.source.tag, digest },
      target: { path: to, tag: p.target.tag, digest: there },
    });
  }
  const madeBy = ruleImage(rule);
  for (const t of target) {
    if (targeted.has(key(t.path, t.tag)) || !madeBy(t)) continue;
    if (rule.referrers && referrerTagSubject(t.tag)) continue;
    items.push({ state: 'extra', source: null, target: { path: t.path, tag: t.tag, digest: t.digest } });
  }
  return items.sort((a, b) => a.target.path.localeCompare(b.target.path) || a.target.tag.localeCompare(b.target.tag));
}

/** Counts by state (every state present, zero where none). */
export function driftCounts(items: readonly DriftItem[]): Record<DriftState, number> {
  const counts = Object.fromEntries(DRIFT_STATES.map((s) => [s, 0])) as Record<DriftState, number>;
  for (const i of items) counts[i.state]++;
  return counts;
}

/**
 * Whether the rule could have made target tag `t` from some source image: its path under the target namespace
 * maps back to a repository the rule selects (or is the rule's one fixed target repository), and its tag maps
 * back through the rename template to a tag the filter takes. Tags the rule never makes are not its business.
 */
function ruleImage(rule: DriftRule): (t: InventoryTag) => boolean {
  const unrename = rule.tag_rename === null ? (tag: string) => tag : inverseRename(rule.tag_rename);
  return (t) => {
    const ns = rule.target_namespace;
    if (ns !== '' && !t.path.startsWith(`${ns}/`)) return false;
    const rest = ns === '' ? t.path : t.path.slice(ns.length + 1);
    const repositoryOk =
      rule.target_repository !== null
        ? rest === rule.target_repository
        : relativePath(rule, fullPath(rule.source_namespace, rest)) !== null;
    const tag = unrename(t.tag);
    return repositoryOk && tag !== null && tagMatches(rule, tag);
  };
}

/** The source tag a renamed tag came from (`v{tag}` and `v1.2` → `1.2`), or null when it cannot have. */
function inverseRename(template: string): (tag: string) => string | null {
  const parts = template.split('{tag}');
  // A template without `{tag}`, or with it twice, cannot be read backwards: no tag counts as made by it.
  if (parts.length !== 2) return () => null;
  const [before, after] = parts as [string, string];
  return (tag) =>
    tag.startsWith(before) && tag.endsWith(after) && tag.length > before.length + after.length
      ? tag.slice(before.length, tag.length - after.length)
      : null;
}

function inventorySource(tags: readonly InventoryTag[]): RepositorySource {
  const byPath = new Map<string, string[]>();
  for (const t of tags) byPath.set(t.path, [...(byPath.get(t.path) ?? []), t.tag]);
  return {
    repositories: async () => [...byPath.keys()],
    tags: async (path) => byPath.get(path) ?? [],
  };
}

const key = (path: string, tag: string) => `${path}:${tag}`;
const byKey = (tags: readonly InventoryTag[]) => new Map(tags.map((t) => [key(t.path, t.tag), t.digest]));

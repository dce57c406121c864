// Deletion propagation (issue 15, `mirror_deletes`): a rule's target tags whose source tag was deleted (the drift
// view's `extra` items) are deleted at the target, but never a tag whose digest differs from the one the source
// deleted. A tag goes only when (a) the rule's own tasks copied it, and the digest the last successful one copied is
// the last digest any of them saw at the source; (c) a HEAD at the source, now, finds the tag gone (404; any other
// answer: kept); and (b) a HEAD at the target right before the delete finds the tag still naming that digest (the
// inventories can be stale). The OCI 1.1 tag delete removes the tag alone; a registry that refuses it (Distribution
// 2.8, Harbor) leaves the manifest delete, which takes every tag naming the digest with it: done only when no other
// tag of the repository (its tag list, each HEADed) names it. A dry run sends no delete that could change
// anything (see `servesTagDeletes`).
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#content-management
import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import type { InventoryTag } from './drift.js';

export const MIRROR_ACTIONS = ['deleted', 'skipped', 'would_delete'] as const;
export type MirrorAction = (typeof MIRROR_ACTIONS)[number];

/** Why a tag goes (`deleted_at_source`) or stays (every other reason). */
export const MIRROR_REASONS = [
  'deleted_at_source',
  'moved_at_target',
  'never_copied',
  'still_at_source',
  'shared_digest',
  'error',
] as const;
export type MirrorReason = (typeof MIRROR_REASONS)[number];

/** One target tag's outcome: its repository path, tag, digest (as last seen; null when gone), what and why. */
export interface MirrorDelete {
  repository: string;
  tag: string;
  digest: string | null;
  action: MirrorAction;
  reason: MirrorReason;
  detail: string | null;
}

/** What the rule's tasks recorded for one target tag. */
export interface CopyRecord {
  /** The source image the last successful task copied from. */
  source: { path: string; tag: string };
  /** The digest the last successful task copied. */
  copied: string;
  /** The digest the last task that read the source tag found there (successful or not). */
  lastSeen: string;
}

/** The registry calls propagation makes (RegistryClient has them). */
export interface MirrorTarget {
  manifestHead(repository: string, reference: string, signal?: AbortSignal): Promise<{ digest: string } | undefined>;
  tagList(repository: string, opts?: { signal?: AbortSignal }): Promise<string[]>;
  tagDelete(repository: string, tag: string, signal?: AbortSignal): Promise<boolean>;
  manifestDelete(repository: string, digest: string, signal?: AbortSignal): Promise<void>;
}
export type MirrorSource = Pick<MirrorTarget, 'manifestHead'>;

export interface MirrorDeleteInput {
  /** The rule's extra target tags, from the drift view. */
  extras: readonly InventoryTag[];
  /** By `copyKey(path, tag)` of the target tag. */
  history: ReadonlyMap<string, CopyRecord>;
  source: MirrorSource;
  target: MirrorTarget;
  dryRun: boolean;
  signal?: AbortSignal;
}

export const copyKey = (path: string, tag: string) => `${path}:${tag}`;

/** A tag that passed (a) and (c): deleted if the target still names `digest`. */
interface Candidate {
  path: string;
  tag: string;
  digest: string;
}

/** Every extra tag's outcome, in the order of `extras`. */
export async function mirrorDeletes(input: MirrorDeleteInput): Promise<MirrorDelete[]> {
  const limit = pLimit(4);
  const vetted = await Promise.all(input.extras.map((e) => limit(() => vet(input, e))));
  const byRepository = new Map<string, Candidate[]>();
  for (const v of vetted) if (!('action' in v)) byRepository.set(v.path, [...(byRepository.get(v.path) ?? []), v]);
  const settled = new Map<Candidate, MirrorDelete>();
  await Promise.all(
    [...byRepository].map(([path, candidates]) =>
      limit(async () => {
        for (const [c, outcome] of await settleRepository(input, path, candidates)) settled.set(c, outcome);
      }),
    ),
  );
  return vetted.map((v) => ('action' in v ? v : settled.get(v)!));
}

/** (a) copied by the rule, and what the source last had; (c) gone from the source now. */
async function vet(input: MirrorDeleteInput, e: InventoryTag): Promise<MirrorDelete | Candidate> {
  const record = input.history.get(copyKey(e.path, e.tag));
  if (!record) return skipped(e, e.digest, 'never_copied', 'no task of the rule copied this tag');
  if (record.lastSeen !== record.copied) {
    const why = `the source tag last named ${record.lastSeen}; the rule copied ${record.copied}`;
    return skipped(e, e.digest, 'never_copied', why);
  }
  try {
    const atSource = await input.source.manifestHead(record.source.path, record.source.tag, input.signal);
    if (atSource) {
      const why = `${record.source.path}:${record.source.tag} is still at the source (${atSource.digest})`;
      return skipped(e, e.digest, 'still_at_source', why);
    }
  } catch (err) {
    return skipped(e, e.digest, 'error', `source: ${describe(err)}`);
  }
  return { path: e.path, tag: e.tag, digest: record.copied };
}

/** (b) and the deletes of one target repository, one candidate after the other. */
async function settleRepository(
  input: MirrorDeleteInput,
  path: string,
  candidates: Candidate[],
): Promise<Map<Candidate, MirrorDelete>> {
  const { target, dryRun, signal } = input;
  const out = new Map<Candidate, MirrorDelete>();
  let tagDeletes: boolean | undefined;
  let named: Promise<Map<string, string>> | undefined;
  for (const c of candidates) {
    if (out.has(c)) continue;
    const moved = await stillNamed(target, c, signal);
    if (moved) {
      out.set(c, moved);
      continue;
    }
    if (!dryRun && tagDeletes !== false) {
      try {
        tagDeletes = await target.tagDelete(path, c.tag, signal);
      } catch (err) {
        out.set(c, skipped(c, c.digest, 'error', describe(err)));
        continue;
      }
      if (tagDeletes) {
        out.set(c, entry(c, 'deleted', null));
        continue;
      }
    }
    if (dryRun) tagDeletes ??= await servesTagDeletes(target, path, signal);
    if (dryRun && tagDeletes) {
      out.set(c, entry(c, 'would_delete', null));
      continue;
    }
    // Manifests only: the other candidates naming the digest go with it (each checked now), any other tag keeps it.
    const group = [c];
    for (const x of candidates) {
      if (x === c || out.has(x) || x.digest !== c.digest) continue;
      const xMoved = await stillNamed(target, x, signal);
      if (xMoved) out.set(x, xMoved);
      else group.push(x);
    }
    try {
      named ??= tagDigests(target, path, signal);
      const going = new Set(group.map((x) => x.tag));
      const others = [...(await named)].filter(([tag, d]) => d === c.digest && !going.has(tag)).map(([tag]) => tag);
      if (others.length) {
        const why = `the registry deletes manifests only, and ${listed(others)} also name it`;
        for (const x of group) out.set(x, skipped(x, x.digest, 'shared_digest', why));
        continue;
      }
      if (!dryRun) await target.manifestDelete(path, c.digest, signal);
      const how = group.length > 1 ? `the manifest, with ${listed(group.map((x) => x.tag))}` : 'the manifest';
      for (const x of group) out.set(x, entry(x, dryRun ? 'would_delete' : 'deleted', how));
    } catch (err) {
      for (const x of group) out.set(x, skipped(x, x.digest, 'error', describe(err)));
    }
  }
  return out;
}

/** Undefined when the target tag still names the candidate's digest; else why it is kept. */
async function stillNamed(target: MirrorTarget, c: Candidate, signal?: AbortSignal): Promise<MirrorDelete | undefined> {
  try {
    const now = await target.manifestHead(c.path, c.tag, signal);
    if (!now) return skipped(c, null, 'moved_at_target', 'no longer at the target');
    if (now.digest !== c.digest) return skipped(c, now.digest, 'moved_at_target', `the rule copied ${c.digest}`);
    return undefined;
  } catch (err) {
    return skipped(c, c.digest, 'error', `target: ${describe(err)}`);
  }
}

/**
 * Whether the registry deletes single tags, for a dry run: the delete of a tag that cannot exist changes nothing
 * and is answered 404 where tag deletes are served, 400 or 405 where they are not. When the answer says neither,
 * the dry run assumes they are served, so it never shows fewer deletions than the run makes.
 */
async function servesTagDeletes(target: MirrorTarget, path: string, signal?: AbortSignal): Promise<boolean> {
  try {
    return await target.tagDelete(path, `regatta-probe-${randomBytes(8).toString('hex')}`, signal);
  } catch {
    return true;
  }
}

/** Every tag of the repository with the digest it names now. */
async function tagDigests(target: MirrorTarget, path: string, signal?: AbortSignal): Promise<Map<string, string>> {
  const tags = await target.tagList(path, { signal });
  const limit = pLimit(8);
  const heads = await Promise.all(tags.map((tag) => limit(() => target.manifestHead(path, tag, signal))));
  return new Map(tags.flatMap((tag, i) => (heads[i] ? [[tag, heads[i].digest] as const] : [])));
}

function entry(c: Candidate, action: 'deleted' | 'would_delete', detail: string | null): MirrorDelete {
  return { repository: c.path, tag: c.tag, digest: c.digest, action, reason: 'deleted_at_source', detail };
}

function skipped(
  t: { path: string; tag: string },
  digest: string | null,
  reason: MirrorReason,
  detail: string,
): MirrorDelete {
  return { repository: t.path, tag: t.tag, digest, action: 'skipped', reason, detail };
}

const listed = (tags: string[]) => (tags.length > 5 ? `${tags.slice(0, 5).join(', ')} …` : tags.join(', '));

function describe(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : String(err);
  return (typeof code === 'string' ? `${code}: ${message}` : message).slice(0, 300);
}

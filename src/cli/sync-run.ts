// What `regatta sync` runs: rules (from the command line or a rules file) checked into resolved form, one
// registry client per registry and credentials for the whole run (its connections and tokens serve every image),
// the images each rule selects, and then one pooled sync over all of them.
import type { RegistryClient } from '../oci/client.js';
import { parseUserPass } from '../oci/credentials.js';
import { RegattaError } from '../oci/errors.js';
import { type Platform, parsePlatform } from '../oci/manifest.js';
import { parseRepository } from '../oci/reference.js';
import type { RetryInfo } from '../oci/transport.js';
import type { CopyListener } from '../replication/copy-events.js';
import { compilePattern, type Pattern } from '../replication/pattern.js';
import type { RuleSelector } from '../replication/rule-match.js';
import { failedOutcome, type SyncGate, type SyncItem, type SyncOutcome, syncImages } from '../replication/run.js';
import { CatalogCache, clientSource, selectImages } from '../replication/select.js';
import { connect } from './connect.js';

export interface Namespace {
  registry: string;
  namespace: string;
}

export interface ResolvedRule {
  src: Namespace;
  dst: Namespace;
  tags?: Pattern;
  repos?: Pattern;
  platform?: Platform;
  override: boolean;
  /** Copy each image's referrers (signatures, SBOMs, attestations) after it. */
  referrers: boolean;
  srcCreds?: string;
  destCreds?: string;
  insecure: boolean;
}

/** A rule as written (flags or a file entry); strings not yet checked. */
export interface RuleInput {
  src: string;
  dst: string;
  tags?: string;
  repos?: string;
  platform?: string;
  override?: boolean;
  referrers?: boolean;
  srcCreds?: string;
  destCreds?: string;
  insecure?: boolean;
}

/**
 * Checks every field; a problem is a USAGE error naming the field as the user wrote it: `at('tags')` gives
 * `--tags` for the command line, `rules.yaml: rules[1].tags` for a file.
 */
export function resolveRule(input: RuleInput, at: (field: keyof RuleInput) => string): ResolvedRule {
  let platform: Platform | undefined;
  if (input.platform) {
    try {
      platform = parsePlatform(input.platform);
    } catch {
      throw new RegattaError('USAGE', `${at('platform')}: "${input.platform}" is not os/arch[/variant]`);
    }
  }
  for (const [field, creds] of [
    ['srcCreds', input.srcCreds],
    ['destCreds', input.destCreds],
  ] as const) {
    if (creds === undefined) continue;
    try {
      parseUserPass(creds);
    } catch (err) {
      throw new RegattaError('USAGE', `${at(field)}: ${(err as Error).message}`);
    }
  }
  return {
    src: parseNamespace(input.src, at('src')),
    dst: parseNamespace(input.dst, at('dst')),
    tags: input.tags === undefined ? undefined : compilePattern(input.tags, at('tags'), 'USAGE'),
    repos: input.repos === undefined ? undefined : compilePattern(input.repos, at('repos'), 'USAGE'),
    platform,
    override: input.override ?? false,
    referrers: input.referrers ?? true,
    srcCreds: input.srcCreds,
    destCreds: input.destCreds,
    insecure: input.insecure ?? false,
  };
}

/** `HOST[:PORT]/NAMESPACE`; the host is required (a sync never guesses Docker Hub). */
export function parseNamespace(input: string, what: string): Namespace {
  const slash = input.indexOf('/');
  const host = input.slice(0, slash);
  if (slash <= 0 || !(/[.:]/.test(host) || host === 'localhost')) {
    throw new RegattaError('USAGE', `${what}: "${input}" is not HOST[:PORT]/NAMESPACE`);
  }
  try {
    const { registry, repository } = parseRepository(input.replace(/\/+$/, ''));
    return { registry, namespace: repository };
  } catch (err) {
    throw new RegattaError('USAGE', `${what}: ${(err as Error).message}`);
  }
}

export interface RunOptions {
  jobs: number;
  dryRun: boolean;
  /** Blobs at once per image. */
  concurrency: number;
  onEvent?: CopyListener;
  onRetry?: (info: RetryInfo) => void;
  /** Told once the images are known, then as each finishes. */
  onListed?: (count: number) => void;
  onImage?: (outcome: SyncOutcome) => void;
  /** Checked before each image is copied (or planned): `--require-signature`. */
  gate?: SyncGate;
}

/** Lists what every rule selects, then syncs it all in one pool; one outcome per image (and per failed listing). */
export async function runRules(rules: ResolvedRule[], opts: RunOptions): Promise<SyncOutcome[]> {
  const clients = new ClientPool({ concurrency: Math.min(64, opts.jobs * opts.concurrency), onRetry: opts.onRetry });
  try {
    const catalogs = new CatalogCache();
    const expanded = await Promise.all(
      rules.map((rule, i) => expand(rule, rules.length > 1 ? i : undefined, clients, catalogs, opts.jobs)),
    );
    const items = expanded.flatMap((e) => e.items);
    opts.onListed?.(items.length);
    const outcomes = await syncImages(items, { ...opts, concurrency: opts.concurrency });
    return [...expanded.flatMap((e) => e.failed), ...outcomes];
  } finally {
    await clients.close();
  }
}

async function expand(
  rule: ResolvedRule,
  index: number | undefined,
  clients: ClientPool,
  catalogs: CatalogCache,
  jobs: number,
): Promise<{ items: SyncItem[]; failed: SyncOutcome[] }> {
  const label = (n: Namespace, path?: string) => `${n.registry}/${n.namespace}${path ? `/${path}` : ''}`;
  try {
    const from = await clients.get(rule.src.registry, rule.srcCreds, rule.insecure);
    const to = await clients.get(rule.dst.registry, rule.destCreds, rule.insecure);
    const selection = await selectImages(clientSource(from, catalogs), selectorOf(rule), {
      concurrency: jobs,
      referrers: rule.referrers,
    });
    const items = selection.planned.map(({ source, target, referrers }) => ({
      src: { client: from, repository: `${rule.src.namespace}/${source.repository}`, reference: source.tag },
      dst: { client: to, repository: `${rule.dst.namespace}/${target.repository}`, reference: target.tag },
      override: rule.override,
      platform: rule.platform,
      referrers,
      rule: index,
    }));
    const failed = selection.failed.map((f) =>
      failedOutcome(label(rule.src, f.source.repository), label(rule.dst, f.source.repository), f.error, index),
    );
    return { items, failed };
  } catch (err) {
    return { items: [], failed: [failedOutcome(label(rule.src), label(rule.dst), err, index)] };
  }
}

/** A `regatta sync` rule as the pipeline's rule: every repository under the namespace, the same path below. */
function selectorOf(rule: ResolvedRule): RuleSelector {
  return {
    source_namespace: rule.src.namespace,
    source_repository: null,
    repository_filter: rule.repos?.source ?? null,
    tag_filter: rule.tags?.source ?? '.*',
    tag_semver: null,
    target_namespace: rule.dst.namespace,
    target_repository: null,
    tag_rename: null,
  };
}

/** One client per registry, credentials and security setting: shared by every rule and image of the run. */
class ClientPool {
  private readonly clients = new Map<string, Promise<RegistryClient>>();

  constructor(private readonly opts: { concurrency: number; onRetry?: (info: RetryInfo) => void }) {}

  get(registry: string, creds: string | undefined, insecure: boolean): Promise<RegistryClient> {
    const key = JSON.stringify([registry, creds ?? null, insecure]);
    let client = this.clients.get(key);
    if (!client) {
      client = connect(registry, { ...this.opts, creds, insecure });
      this.clients.set(key, client);
    }
    return client;
  }

  async close(): Promise<void> {
    const all = await Promise.allSettled(this.clients.values());
    await Promise.all(all.map((c) => (c.status === 'fulfilled' ? c.value.close() : undefined)));
  }
}

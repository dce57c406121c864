// A rule (or a manual request) turned into the images it copies: the source repositories under its namespace,
// their tags through the tag filter, each with the target path the rule gives it. Read live from the source
// registry, so a manual sync right after a push needs no inventory crawl first.
import type { Connector } from '../connectors/connector.js';
import { repositoryRef } from '../connectors/repository.js';
import { fullPath, type ImagePath, type RuleSelector, repositoryMatches, tagMatches, targetOf } from './rule-match.js';

export interface PlannedCopy {
  source: ImagePath;
  target: ImagePath;
}

export interface ExpandOptions {
  /** Only these tags (SWR sync_images imageTag, ACR Tag); still filtered by the rule's tag filter when `filter`. */
  tags?: string[];
  /** Apply the rule's tag filter to `tags` too (default true; a manual tag list of SWR bypasses it). */
  filter?: boolean;
  signal?: AbortSignal;
}

/** Every image `rule` selects on `source`, with its target. */
export async function expandRule(
  source: Connector,
  rule: RuleSelector,
  opts: ExpandOptions = {},
): Promise<PlannedCopy[]> {
  const planned: PlannedCopy[] = [];
  for (const repository of await repositoriesOf(source, rule, opts.signal)) {
    const all =
      opts.tags ?? (await source.listTags(repositoryRef(fullPath(rule.source_namespace, repository)), opts.signal));
    const tags = opts.filter === false ? all : all.filter((t) => tagMatches(rule, t));
    for (const tag of tags) {
      const from = { namespace: rule.source_namespace, repository, tag };
      planned.push({ source: from, target: targetOf(rule, from) });
    }
  }
  return planned;
}

async function repositoriesOf(source: Connector, rule: RuleSelector, signal?: AbortSignal): Promise<string[]> {
  if (rule.source_repository !== null) return [rule.source_repository];
  const found: string[] = [];
  for await (const repo of source.listRepositories({ signal })) {
    if (repositoryMatches(rule, repo.namespace, repo.name)) found.push(repo.name);
  }
  return found.sort();
}

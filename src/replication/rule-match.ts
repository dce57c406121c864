// What a sync rule selects and where it puts it: repositories under the source namespace (one, or those matching
// a pattern), tags matching a pattern in full (RE2, linear time: pattern.ts) and optionally a semver range, and
// the target path and tag.
import semver from 'semver';
import { RegattaError } from '../errors.js';
import { compilePattern } from './pattern.js';

/** The matching part of a rule (a sync_rules row has these columns). */
export interface RuleSelector {
  source_namespace: string;
  source_repository: string | null;
  repository_filter: string | null;
  tag_filter: string;
  tag_semver: string | null;
  target_namespace: string;
  target_repository: string | null;
  tag_rename: string | null;
}

/** An image as a rule sees it: the rule's namespace, the repository path below it, the tag. */
export interface ImagePath {
  namespace: string;
  repository: string;
  tag: string;
}

const TAG = /^[\w][\w.-]{0,127}$/;

/** Throws INVALID_RULE when a pattern, range or rename template cannot work. */
export function validateSelector(r: RuleSelector): void {
  compile(r.tag_filter, 'tag filter');
  if (r.repository_filter !== null) compile(r.repository_filter, 'repository filter');
  if (r.tag_semver !== null && semver.validRange(r.tag_semver) === null) {
    throw new RegattaError('INVALID_RULE', `tag semver range ${JSON.stringify(r.tag_semver)} is not a valid range`);
  }
  if (r.tag_rename !== null && !TAG.test(r.tag_rename.replaceAll('{tag}', 'x'))) {
    throw new RegattaError('INVALID_RULE', `tag rename ${JSON.stringify(r.tag_rename)} does not make a valid tag`);
  }
}

/**
 * The path of repository `path` below the rule's source namespace when the rule selects it, else null. The
 * namespace is a path prefix of one or more components (`team` or `team/apps`; '' for the whole registry): the
 * same meaning in a stored rule, `regatta sync` and a connector's configured namespace.
 */
export function relativePath(r: RuleSelector, path: string): string | null {
  const ns = r.source_namespace;
  if (ns !== '' && !path.startsWith(`${ns}/`)) return null;
  const rest = ns === '' ? path : path.slice(ns.length + 1);
  if (rest === '') return null;
  if (r.source_repository !== null) return rest === r.source_repository ? rest : null;
  return r.repository_filter === null || compile(r.repository_filter, 'repository filter').test(rest) ? rest : null;
}

export function tagMatches(r: RuleSelector, tag: string): boolean {
  if (!compile(r.tag_filter, 'tag filter').test(tag)) return false;
  if (r.tag_semver === null) return true;
  const version = semver.valid(tag, { loose: true });
  return version !== null && semver.satisfies(version, r.tag_semver, { loose: true });
}

/** Where `source` goes under rule `r`. */
export function targetOf(r: RuleSelector, source: ImagePath): ImagePath {
  return {
    namespace: r.target_namespace,
    repository: r.target_repository ?? source.repository,
    tag: r.tag_rename === null ? source.tag : r.tag_rename.replaceAll('{tag}', source.tag),
  };
}

/** `namespace/repository`, or `repository` alone for the empty namespace. */
export function fullPath(namespace: string, repository: string): string {
  return namespace ? `${namespace}/${repository}` : repository;
}

/** A rule's pattern, compiled once by the one pattern compiler (RE2, linear time, whole-string). */
function compile(pattern: string, what: string) {
  return compilePattern(pattern, what, 'INVALID_RULE');
}

// The one compiler of user patterns (rule tag and repository filters, ACR's TagFilter, `regatta sync --tags /
// --repos`, rules files): RE2 syntax, matched in linear time by re2js, whole string only (`v1` does not select
// `v10`, as Harbor's and ACR's tag filters behave). JavaScript's own RegExp backtracks: `(a+)+` against a tag of
// 30 `a`s and a `-` would hold the event loop for seconds. RE2 has no backreferences or lookaround; a pattern that
// uses them is refused with the caller's code and a message saying why.
// https://github.com/google/re2/wiki/Syntax
import { RE2JS } from 're2js';
import { RegattaError } from '../errors.js';

/** Longest pattern accepted: one is run against every tag a rule sees. */
export const MAX_PATTERN = 256;

export interface Pattern {
  readonly source: string;
  /** Whether `s` matches the pattern in full. */
  test(s: string): boolean;
}

const cache = new Map<string, Pattern>();

/** `pattern` compiled for whole-string matching; throws `code` (INVALID_RULE, USAGE …) naming `what`. */
export function compilePattern(pattern: string, what: string, code = 'INVALID_RULE'): Pattern {
  const hit = cache.get(pattern);
  if (hit) return hit;
  if (pattern.length > MAX_PATTERN) throw new RegattaError(code, `${what} is longer than ${MAX_PATTERN} characters`);
  if (pattern.includes('\0')) throw new RegattaError(code, `${what} holds a NUL character`);
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    throw new RegattaError(
      code,
      `${what} ${JSON.stringify(pattern)} is not an RE2 pattern (no backreferences or lookaround): ${(err as Error).message}`,
    );
  }
  const compiled: Pattern = { source: pattern, test: (s) => re.matches(s) };
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, compiled);
  return compiled;
}

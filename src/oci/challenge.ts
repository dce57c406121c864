// Parses `WWW-Authenticate` challenges and the token-auth `scope` strings registries put in them.
// Challenge grammar: https://www.rfc-editor.org/rfc/rfc7235#section-4.1 (auth-param: §2.1),
// Bearer parameters: https://www.rfc-editor.org/rfc/rfc6750#section-3,
// registry token auth and scopes: https://distribution.github.io/distribution/spec/auth/token/ and
// https://distribution.github.io/distribution/spec/auth/scope/

import { RegattaError } from './errors.js';
import {
  type Cursor,
  match,
  parseList,
  readQuoted,
  skipPastComma,
  skipSeparators,
  skipSpaces,
  TOKEN_RE,
} from './header-cursor.js';

/** One authentication challenge from a `WWW-Authenticate` header. */
export interface Challenge {
  /** Auth scheme in lower case: `basic`, `bearer`, … */
  scheme: string;
  /** Auth parameters with lower-case names (`realm`, `service`, `scope`, `error`, …); the first of duplicates wins. */
  params: Record<string, string>;
  /** The token68 form (`Negotiate abc==`), when the challenge uses it instead of parameters. */
  token68?: string;
}

/** A token-auth resource scope such as `repository:library/alpine:pull,push` or `registry:catalog:*`. */
export interface Scope {
  /** Resource type, e.g. `repository` or `registry` (may carry a class: `repository(plugin)`). */
  type: string;
  /** Resource name, e.g. `library/alpine` or `catalog`. */
  name: string;
  /** Requested actions, e.g. `pull`, `push`, `delete`, `*`. */
  actions: string[];
}

/** Thrown by {@link parseScope} and {@link mergeScopes} for a string that is not `type:name:actions`. */
export class InvalidScopeError extends RegattaError {
  constructor(message: string) {
    super('INVALID_SCOPE', message);
  }
}

const TOKEN68_RE = /[A-Za-z0-9._~+/-]+=*/y;
const BARE_VALUE_RE = /[^\s,]*/y;

/**
 * Parses every challenge in one or more `WWW-Authenticate` header values. Lenient: quoted strings may hold
 * commas and backslash-escaped quotes, unquoted values may hold any character but space and comma
 * (`realm=https://auth.example/token`), a missing comma between parameters is tolerated, and text that cannot
 * be parsed is skipped up to the next comma.
 *
 * @param header - one header value, several (one per header line), or `undefined`
 * @returns the challenges in order; empty when there are none
 */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const values = Array.isArray(header) ? header : [header];
  return values.flatMap(parseHeaderValue);
}

/**
 * Parses one resource scope, `type:name:action[,action…]`. The name may contain `/` and `:`; the type ends at
 * the first colon and the actions start after the last one.
 *
 * @param s - e.g. `repository:samalba/my-app:pull,push`
 * @returns the scope's parts
 * @throws {@link InvalidScopeError} when a part is missing or the string holds whitespace
 */
export function parseScope(s: string): Scope {
  const first = s.indexOf(':');
  const last = s.lastIndexOf(':');
  if (/\s/.test(s) || first <= 0 || last - first < 2) {
    throw new InvalidScopeError(`invalid scope ${JSON.stringify(s)}: expected type:name:actions`);
  }
  const actions = s.slice(last + 1).split(',');
  return { type: s.slice(0, first), name: s.slice(first + 1, last), actions: actions.filter((a) => a !== '') };
}

/**
 * Formats a scope as `type:name:actions`.
 *
 * @param scope - the scope to format
 * @returns e.g. `repository:library/alpine:pull,push`
 */
export function formatScope(scope: Scope): string {
  return `${scope.type}:${scope.name}:${scope.actions.join(',')}`;
}

/**
 * Unions two scope lists, merging the actions of scopes on the same resource (type and name). Elements may
 * themselves hold several space-separated scopes, as a challenge's `scope` parameter does. Resources and
 * actions keep the order in which they first appear.
 *
 * @param a - first scope list
 * @param b - second scope list
 * @returns one formatted scope per resource
 * @throws {@link InvalidScopeError} when an element is not a valid scope
 */
export function mergeScopes(a: string[], b: string[]): string[] {
  const byResource = new Map<string, Scope>();
  for (const text of [...a, ...b].flatMap(splitScopeList)) {
    const scope = parseScope(text);
    const key = `${scope.type}:${scope.name}`;
    const seen = byResource.get(key);
    if (seen) seen.actions = [...new Set([...seen.actions, ...scope.actions])];
    else byResource.set(key, { ...scope, actions: [...new Set(scope.actions)] });
  }
  return [...byResource.values()].map(formatScope);
}

function splitScopeList(s: string): string[] {
  return s.split(/\s+/).filter((x) => x !== '');
}

function parseHeaderValue(s: string): Challenge[] {
  return parseList(s, parseChallenge);
}

function parseChallenge(c: Cursor): Challenge | undefined {
  const scheme = match(c, TOKEN_RE);
  if (scheme === '') {
    skipPastComma(c);
    return undefined;
  }
  skipSpaces(c);
  const token68 = readToken68(c);
  if (token68 !== undefined) return { scheme: scheme.toLowerCase(), params: {}, token68 };
  return { scheme: scheme.toLowerCase(), params: readParams(c) };
}

function readParams(c: Cursor): Record<string, string> {
  const params = new Map<string, string>();
  for (;;) {
    skipSeparators(c);
    if (!paramAhead(c)) break;
    const name = match(c, TOKEN_RE).toLowerCase();
    skipSpaces(c);
    c.i++; // '='
    skipSpaces(c);
    const value = readValue(c);
    if (!params.has(name)) params.set(name, value);
  }
  return Object.fromEntries(params);
}

function paramAhead(c: Cursor): boolean {
  const probe: Cursor = { s: c.s, i: c.i };
  if (match(probe, TOKEN_RE) === '') return false;
  skipSpaces(probe);
  return probe.s[probe.i] === '=';
}

// token68 only when it ends the challenge: `Negotiate abc==` but not `Bearer realm=x` or `Bearer a=, b=c`.
function readToken68(c: Cursor): string | undefined {
  const start = c.i;
  const token = match(c, TOKEN68_RE);
  skipSpaces(c);
  const probe: Cursor = { s: c.s, i: c.i };
  skipSeparators(probe);
  const ends = c.i === c.s.length || (c.s[c.i] === ',' && !paramAhead(probe));
  if (token !== '' && ends) return token;
  c.i = start;
  return undefined;
}

function readValue(c: Cursor): string {
  return c.s[c.i] === '"' ? readQuoted(c) : match(c, BARE_VALUE_RE);
}

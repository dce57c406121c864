// Finds the `rel="next"` target in an RFC 8288 `Link` header, as registries send to paginate
// `/v2/_catalog` and `/v2/<name>/tags/list`.
// Link header: https://www.rfc-editor.org/rfc/rfc8288#section-3
// Registry pagination: https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-tags
import { type Cursor, match, parseList, readQuoted, skipPastComma, skipSpaces, TOKEN_RE } from './header-cursor.js';

interface LinkValue {
  target: string;
  params: Map<string, string>;
}

const BARE_VALUE_RE = /[^\s,;]*/y;

/**
 * Returns the URL of the first link whose `rel` includes `next` (relation types are space-separated and
 * compared case-insensitively; only the first `rel` parameter of a link counts, as RFC 8288 §3.3 says).
 * Targets may contain commas and semicolons; parameter values may be quoted. Malformed links are skipped.
 *
 * The result may point to another origin than `base`; callers decide whether to follow it with credentials.
 *
 * @param header - one `Link` header value, several (one per header line), or `undefined`
 * @param base - the URL of the response, against which relative targets are resolved
 * @returns the absolute next URL, or `undefined` when there is no valid next link (or `base` is not a URL)
 */
export function nextLink(header: string | string[] | undefined, base: string): string | undefined {
  if (header === undefined) return undefined;
  for (const link of (Array.isArray(header) ? header : [header]).flatMap(parseLinks)) {
    if (!isNext(link)) continue;
    const url = resolve(link.target, base);
    if (url !== undefined) return url;
  }
  return undefined;
}

function isNext(link: LinkValue): boolean {
  const rel = link.params.get('rel') ?? '';
  return rel
    .toLowerCase()
    .split(/[ \t]+/)
    .includes('next');
}

function resolve(target: string, base: string): string | undefined {
  try {
    return new URL(target, base).href;
  } catch {
    return undefined;
  }
}

function parseLinks(s: string): LinkValue[] {
  return parseList(s, parseLink);
}

function parseLink(c: Cursor): LinkValue | undefined {
  const end = c.s.indexOf('>', c.i);
  if (c.s[c.i] !== '<' || end < 0) {
    skipPastComma(c);
    return undefined;
  }
  const target = c.s.slice(c.i + 1, end).trim();
  c.i = end + 1;
  return { target, params: readParams(c) };
}

function readParams(c: Cursor): Map<string, string> {
  const params = new Map<string, string>();
  for (skipSpaces(c); c.s[c.i] === ';'; skipSpaces(c)) {
    c.i++;
    skipSpaces(c);
    const name = match(c, TOKEN_RE).toLowerCase();
    skipSpaces(c);
    const value = c.s[c.i] === '=' ? readValue(c) : '';
    if (name !== '' && !params.has(name)) params.set(name, value);
  }
  if (c.i < c.s.length && c.s[c.i] !== ',') skipPastComma(c); // junk after the link: ignore up to the next one
  return params;
}

function readValue(c: Cursor): string {
  c.i++; // '='
  skipSpaces(c);
  return c.s[c.i] === '"' ? readQuoted(c) : match(c, BARE_VALUE_RE);
}

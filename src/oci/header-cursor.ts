// A cursor over an HTTP header value, with the lexical pieces RFC 9110 §5.6 defines (tokens, quoted strings,
// list separators). Shared by the WWW-Authenticate and Link parsers.
// https://www.rfc-editor.org/rfc/rfc9110#section-5.6

export interface Cursor {
  s: string;
  i: number;
}

/** RFC 9110 §5.6.2 token. Sticky, for use with {@link match}. */
export const TOKEN_RE = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;

/** Reads a quoted-string (RFC 9110 §5.6.4) starting at the opening quote, undoing backslash escapes. */
export function readQuoted(c: Cursor): string {
  let out = '';
  for (c.i++; c.i < c.s.length; c.i++) {
    const ch = c.s[c.i];
    if (ch === '"') {
      c.i++;
      return out;
    }
    if (ch === '\\' && c.i + 1 < c.s.length) c.i++;
    out += c.s[c.i];
  }
  return out; // unterminated: take the rest
}

/** Consumes what the sticky regular expression `re` matches at the cursor ('' when nothing). */
export function match(c: Cursor, re: RegExp): string {
  re.lastIndex = c.i;
  const m = re.exec(c.s);
  const text = m ? m[0] : '';
  c.i += text.length;
  return text;
}

export function skipSpaces(c: Cursor): void {
  while (c.s[c.i] === ' ' || c.s[c.i] === '\t') c.i++;
}

/** Skips spaces and the commas of an (empty-element tolerant) list. */
export function skipSeparators(c: Cursor): void {
  while (c.s[c.i] === ' ' || c.s[c.i] === '\t' || c.s[c.i] === ',') c.i++;
}

export function skipPastComma(c: Cursor): void {
  const comma = c.s.indexOf(',', c.i);
  c.i = comma < 0 ? c.s.length : comma + 1;
}

/** Parses a comma-separated header list (RFC 9110 §5.6.1), skipping elements `parseItem` rejects. */
export function parseList<T>(s: string, parseItem: (c: Cursor) => T | undefined): T[] {
  const c: Cursor = { s, i: 0 };
  const out: T[] = [];
  for (skipSeparators(c); c.i < s.length; skipSeparators(c)) {
    const item = parseItem(c);
    if (item !== undefined) out.push(item);
  }
  return out;
}

// Byte-level percent-decoding and RFC 3986 encoding, as request signing canonicalises URIs: decode what the
// client sent, then re-encode every byte outside the unreserved set `A-Za-z0-9-_.~` as `%XX` (uppercase hex).
// Working on bytes rather than strings keeps invalid UTF-8 and stray `%` round-trippable instead of throwing.

const HEX = '0123456789ABCDEF';

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}

/**
 * Decodes `%XX` escapes into bytes. A `%` not followed by two hex digits stays a literal `%`. With `plusAsSpace`
 * (query strings, as form encoding and Fastify's query parser read them) `+` is a space. Characters above ASCII
 * (only possible when the input was already decoded: Node rejects them on the request line) become UTF-8.
 */
export function percentDecode(input: string, plusAsSpace = false): Buffer {
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c === 0x25 && i + 2 < input.length) {
      const hi = hexValue(input.charCodeAt(i + 1));
      const lo = hexValue(input.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        out.push(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    if (c === 0x2b && plusAsSpace) out.push(0x20);
    else if (c < 0x80) out.push(c);
    else {
      const cp = input.codePointAt(i)!;
      if (cp > 0xffff) i++;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) out.push(b);
    }
  }
  return Buffer.from(out);
}

function isUnreserved(b: number): boolean {
  return (
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    (b >= 0x30 && b <= 0x39) || // 0-9
    b === 0x2d || // -
    b === 0x5f || // _
    b === 0x2e || // .
    b === 0x7e // ~
  );
}

/** Encodes bytes (or a string's UTF-8) keeping only `A-Za-z0-9-_.~`; everything else becomes `%XX`. */
export function percentEncode(input: Buffer | string): string {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  let out = '';
  for (const b of bytes) {
    if (isUnreserved(b)) out += String.fromCharCode(b);
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

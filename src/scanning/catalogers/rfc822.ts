// Control-file stanzas (Debian Policy §5.1 "Syntax of control files"): `Field: value` lines, continuation lines
// starting with a space or tab, stanzas separated by blank lines. Field names compare case-insensitively.

export type Stanza = Map<string, string>;

export function parseStanzas(text: string): Stanza[] {
  const stanzas: Stanza[] = [];
  let current: Stanza = new Map();
  let last: string | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (current.size) stanzas.push(current);
      current = new Map();
      last = undefined;
    } else if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      current.set(last, `${current.get(last)}\n${line.trim()}`);
    } else {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      last = line.slice(0, colon).trim().toLowerCase();
      current.set(last, line.slice(colon + 1).trim());
    }
  }
  if (current.size) stanzas.push(current);
  return stanzas;
}

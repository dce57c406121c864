// The gitleaks rule file (REGATTA_VULNDB/rules/gitleaks.toml: id, description, regex, secretGroup, entropy,
// keywords, allowlists) translated for JavaScript's RegExp. Go's RE2 syntax differs in a few places: a `(?i)`
// flag anywhere and inline `(?i:…)` groups (Node 20 has no inline modifiers) make the whole pattern
// case-insensitive, a slight widening (and `(?-i:…)` groups lose their case-sensitivity); `(?s)` sets the
// dotAll flag; POSIX classes `[:alnum:]` become ranges; `\z` / `\A` become `$` / `^`;
// `(?P<name>` becomes `(?<name>`. A rule that still does not compile is skipped and counted.
// https://github.com/gitleaks/gitleaks#configuration
import { readFile } from 'node:fs/promises';
import { parse } from 'smol-toml';

export interface SecretAllowlist {
  regexes: RegExp[];
  paths: RegExp[];
  stopwords: string[];
  /** What the regexes test: the secret (default), the whole match, or the line. */
  target: 'secret' | 'match' | 'line';
}

export interface SecretRule {
  id: string;
  description: string;
  /** Undefined for a rule that names files by path alone (a PKCS#12 file, say). */
  regex?: RegExp;
  secretGroup: number;
  entropy?: number;
  keywords: string[];
  path?: RegExp;
  allowlists: SecretAllowlist[];
}

export interface SecretRuleSet {
  rules: SecretRule[];
  global: SecretAllowlist;
  skipped: string[];
}

const POSIX: Record<string, string> = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  space: '\\s',
  xdigit: '0-9a-fA-F',
  punct: '!-/:-@\\[-`{-~',
  word: '\\w',
};

/** A Go RE2 pattern as a JavaScript RegExp (see the file comment for what changes). */
export function translateRe2(pattern: string): RegExp {
  let flags = '';
  let p = pattern;
  if (/\(\?i\)|\(\?i:/.test(p)) {
    flags += 'i';
    p = p.replaceAll('(?i)', '').replaceAll('(?i:', '(?:');
  }
  if (p.includes('(?s)') || p.includes('(?s:')) {
    flags += 's';
    p = p.replaceAll('(?s)', '').replaceAll('(?s:', '(?:');
  }
  // A case-sensitive group inside a case-insensitive pattern: case-insensitive here too (a widening).
  p = p.replaceAll('(?-i:', '(?:');
  p = p.replace(/\[:(\w+):\]/g, (m, name: string) => POSIX[name] ?? m);
  p = p.replaceAll('\\z', '$').replaceAll('\\A', '^').replaceAll('(?P<', '(?<');
  return new RegExp(p, flags);
}

// biome-ignore lint/suspicious/noExplicitAny: TOML tables, read field by field
function allowlist(raw: any): SecretAllowlist {
  return {
    regexes: (raw?.regexes ?? []).map(translateRe2),
    paths: (raw?.paths ?? []).map(translateRe2),
    stopwords: (raw?.stopwords ?? []).map((w: string) => w.toLowerCase()),
    target: raw?.regexTarget === 'match' || raw?.regexTarget === 'line' ? raw.regexTarget : 'secret',
  };
}

export function parseSecretRules(toml: string): SecretRuleSet {
  // biome-ignore lint/suspicious/noExplicitAny: TOML document
  const doc = parse(toml) as any;
  const rules: SecretRule[] = [];
  const skipped: string[] = [];
  for (const raw of doc.rules ?? []) {
    if (typeof raw?.id !== 'string' || (typeof raw.regex !== 'string' && typeof raw.path !== 'string')) continue;
    try {
      rules.push({
        id: raw.id,
        description: String(raw.description ?? raw.id),
        ...(typeof raw.regex === 'string' ? { regex: translateRe2(raw.regex) } : {}),
        secretGroup: Number(raw.secretGroup ?? 0),
        ...(typeof raw.entropy === 'number' ? { entropy: raw.entropy } : {}),
        keywords: (raw.keywords ?? []).map((k: string) => k.toLowerCase()),
        ...(typeof raw.path === 'string' ? { path: translateRe2(raw.path) } : {}),
        allowlists: [...(raw.allowlists ?? []), ...(raw.allowlist ? [raw.allowlist] : [])].map(allowlist),
      });
    } catch {
      skipped.push(raw.id);
    }
  }
  return { rules, global: allowlist(doc.allowlist), skipped };
}

export async function loadSecretRules(path: string): Promise<SecretRuleSet> {
  return parseSecretRules(await readFile(path, 'utf8'));
}

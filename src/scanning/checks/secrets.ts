// Secrets in an image by the gitleaks rules: text files where secrets live (configuration, application code,
// home directories; not the distribution's own files or dependency trees, which the rule file's global allowlist
// also names) and every `Env` entry of the config. A rule runs only on text holding one of its keywords; a hit
// must pass its entropy minimum and no allowlist; findings show where, never the secret (it is masked).
import type { ImageConfig } from '../../oci/image-config.js';
import type { MergedFilesystem } from '../filesystem.js';
import type { SecretAllowlist, SecretRuleSet } from './secret-rules.js';
import { mask } from './settings.js';
import type { CheckFinding } from './types.js';

const MAX_TEXT_FILE = 256 * 1024;
/** The distribution's own files and package trees: no one's secrets, and most of an image's bytes. */
const SKIPPED =
  /^(?:usr\/(?:share|lib|lib64|libexec|include|bin|sbin|src)|lib|lib64|bin|sbin|boot|proc|sys|dev|var\/(?:lib\/(?:dpkg|apt|rpm)|cache|log))(?:\/|$)/;

/** Whether a file may hold secrets worth reading (decided from its path and size as the layer streams). */
export function wantsForSecrets(path: string, size: number): boolean {
  return size > 0 && size <= MAX_TEXT_FILE && !SKIPPED.test(path) && !/(?:^|\/)node_modules\//.test(path);
}

export function checkSecrets(rules: SecretRuleSet, fs: MergedFilesystem, config: ImageConfig): CheckFinding[] {
  const out: CheckFinding[] = [];
  const pathRules = rules.rules.filter((r) => !r.regex && r.path);
  for (const e of fs) {
    if (e.type !== 'file') continue;
    for (const rule of pathRules) {
      if (rule.path!.test(e.path)) {
        out.push({
          rule: `secret.${rule.id}`,
          severity: 'High',
          description: rule.description,
          location: `/${e.path}`,
        });
      }
    }
    if (!e.data || !wantsForSecrets(e.path, e.size)) continue;
    if (rules.global.paths.some((p) => p.test(e.path)) || e.data.subarray(0, 8000).includes(0)) continue;
    for (const hit of findSecrets(rules, e.data.toString('utf8'), e.path)) {
      out.push({ ...hit, location: `/${e.path}:${hit.location}` });
    }
  }
  for (const env of config.config?.Env ?? []) {
    for (const hit of findSecrets(rules, env)) out.push({ ...hit, location: 'config.Env' });
  }
  return out;
}

/** Rule hits in `text`; `location` is the line number. */
export function findSecrets(rules: SecretRuleSet, text: string, path?: string): CheckFinding[] {
  const lower = text.toLowerCase();
  const out: CheckFinding[] = [];
  const hitLines = new Set<number>();
  for (const rule of inOrder(rules.rules)) {
    if (!rule.regex) continue;
    if (rule.keywords.length && !rule.keywords.some((k) => lower.includes(k))) continue;
    if (rule.path && (!path || !rule.path.test(path))) continue;
    const re = new RegExp(
      rule.regex.source,
      rule.regex.flags.includes('g') ? rule.regex.flags : `${rule.regex.flags}g`,
    );
    for (const m of text.matchAll(re)) {
      const secret = (rule.secretGroup ? m[rule.secretGroup] : (m.slice(1).find((g) => g !== undefined) ?? m[0])) ?? '';
      if (!secret || (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy)) continue;
      const line = lineAt(text, m.index ?? 0);
      const allowed = [rules.global, ...rule.allowlists].some((a) => allows(a, secret, m[0], line, path));
      const lineNo = text.slice(0, m.index ?? 0).split('\n').length;
      // The generic rule only speaks for lines no provider's rule explained.
      if (allowed || (rule.id === GENERIC && hitLines.has(lineNo))) continue;
      hitLines.add(lineNo);
      out.push({
        rule: `secret.${rule.id}`,
        severity: 'High',
        description: rule.description,
        location: String(lineNo),
        evidence: mask(secret),
      });
      break; // one finding per rule and text is enough to act on
    }
  }
  return out;
}

const GENERIC = 'generic-api-key';

/** Provider rules first, the generic one last (it defers to them on a line they already explained). */
function inOrder(rules: SecretRuleSet['rules']): SecretRuleSet['rules'] {
  return [...rules.filter((r) => r.id !== GENERIC), ...rules.filter((r) => r.id === GENERIC)];
}

function allows(a: SecretAllowlist, secret: string, match: string, line: string, path?: string): boolean {
  const target = a.target === 'match' ? match : a.target === 'line' ? line : secret;
  if (a.regexes.some((r) => r.test(target))) return true;
  if (path && a.paths.some((p) => p.test(path))) return true;
  const s = secret.toLowerCase();
  return a.stopwords.some((w) => s.includes(w));
}

function lineAt(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1;
  const end = text.indexOf('\n', index);
  return text.slice(start, end < 0 ? text.length : end);
}

/** Shannon entropy in bits per character, as gitleaks computes it. */
export function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

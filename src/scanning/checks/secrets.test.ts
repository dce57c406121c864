// Secret rules: every built-in rule finds its example and not its look-alike; gitleaks files translate to
// JavaScript (in the real-data tier, every rule of the real file compiles) and replace built-in rules by id;
// allowlists, entropy minimum and keywords keep the rest out.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { REAL_VULNDB } from '../../../test/support/vulndb.js';
import { loadSecretRules, parseSecretRules, translateRe2 } from './secret-rules.js';
import { BUILTIN_SECRET_RULES, builtinSecretRules, mergeSecretRules } from './secret-rules-builtin.js';
import { findSecrets, shannonEntropy } from './secrets.js';

test('RE2-only syntax becomes JavaScript', () => {
  assert.equal(translateRe2('(?i)abc').flags, 'i');
  assert.ok(translateRe2('x(?i:ab)y').test('xABy'));
  assert.ok(translateRe2('(?-i:AB)c').test('ABc'));
  assert.ok(translateRe2('pat[[:alnum:]]{3}').test('patA1b'));
  assert.ok(translateRe2('(?P<v>a+)\\z').test('caa'));
  assert.ok(translateRe2('(?s:.)x').test('\nx'));
});

/** The rule set a scan runs with: the built-in rules, plus the real gitleaks file in the real-data tier. */
async function ruleSet() {
  if (!REAL_VULNDB) return builtinSecretRules();
  const gitleaks = await loadSecretRules(join(REAL_VULNDB, 'rules', 'gitleaks.toml'));
  assert.equal(gitleaks.skipped.length, 0, `skipped: ${gitleaks.skipped.join(', ')}`);
  assert.ok(gitleaks.rules.length >= 200);
  return mergeSecretRules(builtinSecretRules(), gitleaks);
}

test('the rules a scan runs with find AWS and GitHub keys and leave examples and prose alone', async () => {
  const rules = await ruleSet();
  const found = findSecrets(rules, 'key = "AKIAZ4Q7RT2XW6PLMNBV"\ntoken: ghp_R8vZq2Lk9Wm4Tx7Yb1Nc6Pd3Hs5Jf0Ga8Ue2\n');
  const hits = found.map((f) => `${f.rule}@${f.location}`);
  assert.ok(hits.includes('secret.aws-access-token@1'), hits.join(' '));
  assert.ok(hits.includes('secret.github-pat@2'), hits.join(' '));
  // AWS's documented example key is allowlisted; plain prose has no keyword to wake a rule.
  assert.deepEqual(findSecrets(rules, 'AKIAIOSFODNN7EXAMPLE'), []);
  assert.deepEqual(findSecrets(rules, 'nothing secret here at all'), []);
});

for (const rule of BUILTIN_SECRET_RULES) {
  test(`built-in rule ${rule.id}: finds its example, not its look-alike`, () => {
    const all = builtinSecretRules();
    const only = { ...all, rules: all.rules.filter((r) => r.id === rule.id) };
    const hit = findSecrets(only, rule.examples.found);
    assert.deepEqual(
      hit.map((f) => f.rule),
      [`secret.${rule.id}`],
    );
    assert.ok(!hit[0]!.evidence?.includes(rule.examples.found), 'the secret is masked');
    assert.deepEqual(findSecrets(only, rule.examples.notFound), []);
  });
}

test('built-in rule ids are unique; a rule file replaces a built-in rule of the same id', () => {
  const ids = BUILTIN_SECRET_RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  const extra = parseSecretRules(`
[[rules]]
id = "github-pat"
description = "stricter"
regex = '''never-matches-[0-9]{99}'''
`);
  const merged = mergeSecretRules(builtinSecretRules(), extra);
  assert.equal(merged.rules.length, ids.length);
  assert.equal(findSecrets(merged, 'ghp_R8vZq2Lk9Wm4Tx7Yb1Nc6Pd3Hs5Jf0Ga8Ue2').length, 0);
});

test('the generic rule defers to a provider rule on the same line', () => {
  const rules = builtinSecretRules();
  const line = 'AWS_SECRET_ACCESS_KEY = "q8Zk3Lm9Xp2Vb7Nr4Tw1Yc6Hj5Df0GsA3Qe8RuKz"';
  assert.deepEqual(
    findSecrets(rules, line).map((f) => f.rule),
    ['secret.aws-secret-access-key'],
  );
  assert.deepEqual(
    findSecrets(rules, 'SERVICE_TOKEN = "k3J9x0Q2m7W1p5Z8"').map((f) => f.rule),
    ['secret.generic-api-key'],
  );
});

test('a rule with an entropy minimum ignores low-entropy matches; stopwords allow', () => {
  const rules = parseSecretRules(`
[allowlist]
stopwords = ["placeholder"]
[[rules]]
id = "demo"
description = "demo token"
regex = '''demo_([a-z0-9]{12})'''
entropy = 3
keywords = ["demo_"]
`);
  assert.equal(findSecrets(rules, 'demo_aaaaaaaaaaaa').length, 0, 'entropy 0');
  assert.equal(findSecrets(rules, 'demo_k3j9x0q2m7w1').length, 1);
  assert.equal(findSecrets(rules, 'demo_placeholder').length, 0, 'stopword');
  assert.ok(Math.abs(shannonEntropy('abcd') - 2) < 1e-9);
});

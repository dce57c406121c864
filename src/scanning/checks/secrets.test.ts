// The gitleaks rules as JavaScript: every rule of the real rule file compiles; a translated rule finds what it
// should, and its allowlists, entropy minimum and keywords keep the rest out. RE2-only syntax is rewritten.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { VULNDB, vulndbMissing } from '../../../test/support/vulndb.js';
import { loadSecretRules, parseSecretRules, translateRe2 } from './secret-rules.js';
import { findSecrets, shannonEntropy } from './secrets.js';

test('RE2-only syntax becomes JavaScript', () => {
  assert.equal(translateRe2('(?i)abc').flags, 'i');
  assert.ok(translateRe2('x(?i:ab)y').test('xABy'));
  assert.ok(translateRe2('(?-i:AB)c').test('ABc'));
  assert.ok(translateRe2('pat[[:alnum:]]{3}').test('patA1b'));
  assert.ok(translateRe2('(?P<v>a+)\\z').test('caa'));
  assert.ok(translateRe2('(?s:.)x').test('\nx'));
});

test('every rule of the real gitleaks file compiles, and the AWS and GitHub rules find keys', {
  skip: vulndbMissing,
}, async () => {
  const rules = await loadSecretRules(join(VULNDB, 'rules', 'gitleaks.toml'));
  assert.equal(rules.skipped.length, 0, `skipped: ${rules.skipped.join(', ')}`);
  assert.ok(rules.rules.length >= 200);
  const found = findSecrets(rules, 'key = "AKIAZ4Q7RT2XW6PLMNBV"\ntoken: ghp_R8vZq2Lk9Wm4Tx7Yb1Nc6Pd3Hs5Jf0Ga8Ue2\n');
  const hits = found.map((f) => `${f.rule}@${f.location}`);
  assert.ok(hits.includes('secret.aws-access-token@1'), hits.join(' '));
  assert.ok(hits.includes('secret.github-pat@2'), hits.join(' '));
  // AWS's documented example key is allowlisted (`.+EXAMPLE$`); plain prose has no keyword to wake a rule.
  assert.deepEqual(findSecrets(rules, 'AKIAIOSFODNN7EXAMPLE'), []);
  assert.deepEqual(findSecrets(rules, 'nothing secret here at all'), []);
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

// Regatta's own secret rules: token formats of the major providers, private keys, JWTs, database and HTTP URLs
// carrying a password, and assignments of secret-looking values. They are always on; rule files in gitleaks'
// TOML format (the advisory folder's `rules/`, or feeds) add rules, and a rule there with the same id replaces
// the one here. Ids follow gitleaks' names where one exists, so findings read the same either way.
// Every pattern is a JavaScript RegExp with bounded repetition only (no nested quantifiers): they run over text
// from images, which may be hostile. Each rule carries an example it must find and one it must not; the test
// runs every rule on both (secrets.test.ts). The examples are made up, in each provider's documented format.
import type { SecretRule, SecretRuleSet } from './secret-rules.js';

interface BuiltinRule {
  id: string;
  description: string;
  regex: RegExp;
  /** Lowercase words one of which the text must hold before the regex runs (cheap pre-filter). */
  keywords: string[];
  /** The capture group that is the secret (default: the first group that matched, else the match). */
  secretGroup?: number;
  /** Minimum Shannon entropy of the secret, for patterns that also match ordinary words. */
  entropy?: number;
  /** Secrets that match but are known placeholders. */
  allow?: RegExp[];
  examples: { found: string; notFound: string };
}

const b62 = (n: number, seed = 7) =>
  Array.from({ length: n }, (_, i) => 'aZ3kQ9mX2pL7vB4nR8tW1yC6hJ5dF0gS'[(i * seed + 3) % 32]).join('');

export const BUILTIN_SECRET_RULES: BuiltinRule[] = [
  {
    id: 'aws-access-token',
    description: 'AWS access key id',
    regex: /\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b/,
    keywords: ['a3t', 'akia', 'asia', 'abia', 'acca'],
    allow: [/EXAMPLE$/],
    examples: { found: 'aws_key = "AKIAZ4Q7RT2XW6PLMNBV"', notFound: 'AKIAIOSFODNN7EXAMPLE' },
  },
  {
    id: 'aws-secret-access-key',
    description: 'AWS secret access key',
    regex: /aws.{0,20}?secret.{0,20}?[\s'"=:]{1,5}([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/i,
    keywords: ['aws'],
    entropy: 4,
    allow: [/EXAMPLEKEY$/],
    examples: {
      found: 'aws_secret_access_key = q8Zk3Lm9Xp2Vb7Nr4Tw1Yc6Hj5Df0GsA3Qe8RuKz',
      notFound: 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    },
  },
  {
    id: 'github-pat',
    description: 'GitHub personal access token',
    regex: /\bghp_[0-9a-zA-Z]{36}\b/,
    keywords: ['ghp_'],
    examples: { found: 'ghp_R8vZq2Lk9Wm4Tx7Yb1Nc6Pd3Hs5Jf0Ga8Ue2', notFound: 'ghp_short' },
  },
  {
    id: 'github-fine-grained-pat',
    description: 'GitHub fine-grained personal access token',
    regex: /\bgithub_pat_\w{82}\b/,
    keywords: ['github_pat_'],
    examples: { found: `github_pat_${b62(82)}`, notFound: `github_pat_${b62(20)}` },
  },
  {
    id: 'github-oauth',
    description: 'GitHub OAuth access token',
    regex: /\bgho_[0-9a-zA-Z]{36}\b/,
    keywords: ['gho_'],
    examples: { found: `gho_${b62(36)}`, notFound: `gho_${b62(12)}` },
  },
  {
    id: 'github-app-token',
    description: 'GitHub App token',
    regex: /\b(?:ghu|ghs)_[0-9a-zA-Z]{36}\b/,
    keywords: ['ghu_', 'ghs_'],
    examples: { found: `ghs_${b62(36)}`, notFound: `ghx_${b62(36)}` },
  },
  {
    id: 'github-refresh-token',
    description: 'GitHub refresh token',
    regex: /\bghr_[0-9a-zA-Z]{36}\b/,
    keywords: ['ghr_'],
    examples: { found: `ghr_${b62(36)}`, notFound: `ghr_${b62(30)}` },
  },
  {
    id: 'gitlab-pat',
    description: 'GitLab personal access token',
    regex: /\bglpat-[0-9a-zA-Z_-]{20}(?![0-9a-zA-Z_-])/,
    keywords: ['glpat-'],
    examples: { found: `glpat-${b62(20)}`, notFound: `glpat-${b62(8)}` },
  },
  {
    id: 'gitlab-runner-authentication-token',
    description: 'GitLab runner authentication token',
    regex: /\bglrt-[0-9a-zA-Z_-]{20}(?![0-9a-zA-Z_-])/,
    keywords: ['glrt-'],
    examples: { found: `token = "glrt-${b62(20)}"`, notFound: 'glrt-' },
  },
  {
    id: 'gitlab-deploy-token',
    description: 'GitLab deploy token',
    regex: /\bgldt-[0-9a-zA-Z_-]{20}(?![0-9a-zA-Z_-])/,
    keywords: ['gldt-'],
    examples: { found: `gldt-${b62(20)}`, notFound: `gldt-${b62(5)}` },
  },
  {
    id: 'slack-bot-token',
    description: 'Slack bot token',
    regex: /\bxoxb-[0-9]{10,13}-[0-9]{10,13}-[a-zA-Z0-9]{24}\b/,
    keywords: ['xoxb'],
    examples: { found: `xoxb-1234567890-1234567890123-${b62(24)}`, notFound: 'xoxb-123-456-abc' },
  },
  {
    id: 'slack-user-token',
    description: 'Slack user token',
    regex: /\bxox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34}\b/,
    keywords: ['xoxp-', 'xoxe-'],
    examples: { found: `xoxp-1234567890-1234567890-1234567890-${b62(32)}`, notFound: 'xoxp-1-2-3-4' },
  },
  {
    id: 'slack-webhook-url',
    description: 'Slack incoming webhook URL',
    regex: /https?:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]{8,12}\/B[A-Z0-9]{8,12}\/[A-Za-z0-9]{24}\b/,
    keywords: ['hooks.slack.com'],
    examples: {
      found: `https://hooks.slack.com/services/T0A1B2C3D/B0A1B2C3D/${b62(24)}`,
      notFound: 'https://hooks.slack.com/services/',
    },
  },
  {
    id: 'stripe-access-token',
    description: 'Stripe secret or restricted key',
    regex: /\b(?:sk|rk)_(?:test|live|prod)_[0-9a-zA-Z]{10,99}\b/,
    keywords: ['sk_test', 'sk_live', 'sk_prod', 'rk_test', 'rk_live', 'rk_prod'],
    entropy: 2,
    examples: { found: `sk_live_${b62(24)}`, notFound: 'pk_live_not-a-secret' },
  },
  {
    id: 'gcp-api-key',
    description: 'Google Cloud API key',
    regex: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/,
    keywords: ['aiza'],
    examples: { found: `AIza${b62(35)}`, notFound: `AIza${b62(10)}` },
  },
  {
    id: 'gcp-service-account-key',
    description: 'Google Cloud service account key file',
    regex: /"private_key_id"\s{0,4}:\s{0,4}"([0-9a-f]{40})"/,
    keywords: ['private_key_id'],
    examples: {
      found: '{"type": "service_account", "private_key_id": "3f8a0c2e9b7d4f1a6c5e8b0d2a4f6c8e1b3d5f7a"}',
      notFound: '{"private_key_id": ""}',
    },
  },
  {
    id: 'azure-storage-account-key',
    description: 'Azure storage connection string with an account key',
    regex: /AccountKey=([A-Za-z0-9+/]{86}==)/,
    keywords: ['accountkey='],
    examples: {
      found: `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${b62(86)}==`,
      notFound: 'AccountKey=<your-key>',
    },
  },
  {
    id: 'azure-ad-client-secret',
    description: 'Microsoft Entra ID (Azure AD) client secret',
    regex: /(?:^|[\s'"=:>(,])([a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?:$|[\s'"<),;])/,
    keywords: ['q~'],
    examples: { found: `secret: "abc8Q~${b62(34)}"`, notFound: 'Q~ not a secret' },
  },
  {
    id: 'alibaba-access-key-id',
    description: 'Alibaba Cloud AccessKey ID',
    regex: /\bLTAI[A-Za-z0-9]{12,20}\b/,
    keywords: ['ltai'],
    examples: { found: `access_key_id = LTAI${b62(20)}`, notFound: 'LTAI123' },
  },
  {
    id: 'private-key',
    description: 'Private key in PEM form',
    regex:
      /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\s\S]{64,8192}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY/,
    keywords: ['-----begin'],
    examples: {
      found: `-----BEGIN RSA PRIVATE KEY-----\n${b62(64)}\n${b62(64, 11)}\n-----END RSA PRIVATE KEY-----`,
      notFound: '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----',
    },
  },
  {
    id: 'jwt',
    description: 'JSON Web Token',
    regex: /\beyJ[A-Za-z0-9_-]{10,2000}\.eyJ[A-Za-z0-9_-]{10,8000}\.[A-Za-z0-9_-]{10,2000}(?![A-Za-z0-9_-])/,
    keywords: ['eyj'],
    examples: {
      found: `Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyMTIzIn0.${b62(43)}`,
      notFound: 'eyJhbGciOiJIUzI1NiJ9 alone',
    },
  },
  {
    id: 'database-url-password',
    description: 'Database URL with a password',
    regex:
      /\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|clickhouse):\/\/[^\s:/@'"]{1,64}:([^\s@/'"]{3,128})@[\w.-]{1,253}/i,
    keywords: ['://'],
    allow: [/^(?:password|passwd|pass|secret|changeme|\*+|x+|\$\{?\w*\}?|<\w*>|%\w*%)$/i],
    examples: {
      found: 'DATABASE_URL=postgres://app:S3cr3t-Pw9@db.internal:5432/app',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…}, not a template
      notFound: 'DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app',
    },
  },
  {
    id: 'url-credentials',
    description: 'HTTP URL with a user name and password',
    regex: /\bhttps?:\/\/[^\s:/@'"]{1,64}:([^\s@/'"]{3,128})@[\w.-]{1,253}/i,
    keywords: ['http'],
    entropy: 2.5,
    allow: [/^(?:password|passwd|pass|secret|changeme|\*+|x+|\$\{?\w*\}?|<\w*>|%\w*%)$/i],
    examples: { found: 'https://deploy:Xq7Lm2Vb9Nr4@git.example.org/app.git', notFound: 'https://user:pass@host' },
  },
  {
    id: 'npm-access-token',
    description: 'npm access token',
    regex: /\bnpm_[A-Za-z0-9]{36}\b/,
    keywords: ['npm_'],
    examples: { found: `//registry.npmjs.org/:_authToken=npm_${b62(36)}`, notFound: 'npm_config_cache' },
  },
  {
    id: 'pypi-upload-token',
    description: 'PyPI upload token',
    regex: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000}/,
    keywords: ['pypi-ageichlwas5vcmc'],
    examples: { found: `password = pypi-AgEIcHlwaS5vcmc${b62(60)}`, notFound: 'pypi-AgEI' },
  },
  {
    id: 'docker-hub-pat',
    description: 'Docker Hub personal access token',
    regex: /\bdckr_pat_[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])/,
    keywords: ['dckr_pat_'],
    examples: { found: `dckr_pat_${b62(27)}`, notFound: `dckr_pat_${b62(10)}` },
  },
  {
    id: 'sendgrid-api-token',
    description: 'SendGrid API key',
    regex: /\bSG\.[\w-]{22}\.[\w-]{43}\b/,
    keywords: ['sg.'],
    examples: { found: `SG.${b62(22)}.${b62(43)}`, notFound: 'SG.short.key' },
  },
  {
    id: 'openai-api-key',
    description: 'OpenAI API key',
    regex: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,74}T3BlbkFJ[A-Za-z0-9_-]{20,74}\b/,
    keywords: ['t3blbkfj'],
    examples: { found: `sk-proj-${b62(30)}T3BlbkFJ${b62(30)}`, notFound: 'sk-T3BlbkFJ' },
  },
  {
    id: 'anthropic-api-key',
    description: 'Anthropic API key',
    regex: /\bsk-ant-(?:api|admin)\d{2}-[\w-]{80,100}AA(?![\w-])/,
    keywords: ['sk-ant-'],
    examples: { found: `sk-ant-api03-${b62(93)}AA`, notFound: 'sk-ant-api03-short' },
  },
  {
    id: 'vault-service-token',
    description: 'HashiCorp Vault service token',
    regex: /\bhvs\.[A-Za-z0-9_-]{24,200}\b/,
    keywords: ['hvs.'],
    examples: { found: `VAULT_TOKEN=hvs.${b62(90)}`, notFound: 'hvs.short' },
  },
  {
    id: 'digitalocean-pat',
    description: 'DigitalOcean personal access token',
    regex: /\bdop_v1_[a-f0-9]{64}\b/,
    keywords: ['dop_v1_'],
    examples: { found: `dop_v1_${'3f8a0c2e9b7d4f1a'.repeat(4)}`, notFound: 'dop_v1_123' },
  },
  {
    // Last: a value assigned to a name that ends in a secret word. Names ending in `_id`, `_name`, `_url`,
    // `_file` … do not end in one, so `AWS_ACCESS_KEY_ID = …` is left to the AWS rule.
    id: 'generic-api-key',
    description: 'A secret-looking value assigned to a key, token, secret or password',
    regex:
      /(?:^|[^\w.-])([\w.-]{0,40}?(?:token|secret|passw(?:or)?d|pwd|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?key|private[_.-]?key|credentials?))[ \t]{0,4}['"]?[ \t]{0,4}(?:=|:=|:|=>)[ \t]{0,4}['"`]?([\w.=+/-]{12,150})/i,
    secretGroup: 2,
    keywords: ['token', 'secret', 'passw', 'pwd', 'key', 'credential'],
    entropy: 3.5,
    allow: [/^[a-zA-Z_.-]+$/, /^(?:true|false|null|none)$/i],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…}, not a template
    examples: { found: 'API_TOKEN=tok_live_0123456789abcdef', notFound: 'API_TOKEN=${TOKEN_FROM_ENVIRONMENT}' },
  },
];

/** Placeholders no one's real secret contains. */
const STOPWORDS = ['example', 'placeholder', 'changeme', 'xxxxxxxx', 'dummy', 'your-', 'your_', 'redacted'];

function toRule(r: BuiltinRule): SecretRule {
  return {
    id: r.id,
    description: r.description,
    regex: r.regex,
    secretGroup: r.secretGroup ?? 0,
    ...(r.entropy !== undefined ? { entropy: r.entropy } : {}),
    keywords: r.keywords,
    allowlists: r.allow ? [{ regexes: r.allow, paths: [], stopwords: [], target: 'secret' }] : [],
  };
}

/** Regatta's own rule set, as the secret check runs it. */
export function builtinSecretRules(): SecretRuleSet {
  return {
    rules: BUILTIN_SECRET_RULES.map(toRule),
    global: { regexes: [], paths: [], stopwords: STOPWORDS, target: 'secret' },
    skipped: [],
  };
}

/** `extra`'s rules over `base`'s: same id replaces, new ids are added; global allowlists are joined. */
export function mergeSecretRules(base: SecretRuleSet, extra: SecretRuleSet): SecretRuleSet {
  const byId = new Map(base.rules.map((r) => [r.id, r]));
  for (const r of extra.rules) byId.set(r.id, r);
  return {
    rules: [...byId.values()],
    global: {
      regexes: [...base.global.regexes, ...extra.global.regexes],
      paths: [...base.global.paths, ...extra.global.paths],
      stopwords: [...base.global.stopwords, ...extra.global.stopwords],
      target: 'secret',
    },
    skipped: [...base.skipped, ...extra.skipped],
  };
}

// Sensitive files: credentials and keys left in an image. Only small files at telling paths are read (the
// reader keeps them as the layer streams past); a finding shows where and what, never the secret itself.
//   secret.private-key       a PEM private key (id_rsa, *.pem, *.key …)
//   secret.cloud-credentials AWS credentials file with a secret access key
//   secret.dotenv            a .env file assigning secret-looking variables
//   secret.registry-auth     a Docker config.json with registry credentials
//   secret.npm-token         an .npmrc with an auth token
//   secret.git-credentials   a .git-credentials file with a password or token in a URL
//   secret.shadow-hash       /etc/shadow with a password hash (or an empty password) for an account
import type { MergedFilesystem } from '../filesystem.js';
import { basename } from '../paths.js';
import { mask } from './settings.js';
import type { CheckFinding } from './types.js';

const MAX_SENSITIVE_FILE = 256 * 1024;
const KEY_NAMES = /^(?:id_(?:rsa|dsa|ecdsa|ed25519)|.+\.(?:pem|key|p8))$/;
const NAMED = new Set(['.env', 'credentials', '.git-credentials', '.npmrc', 'config.json', 'shadow']);

/** Whether a file's contents are needed by the checks below (decided from its path and size). */
export function wantsSensitive(path: string, size: number): boolean {
  if (size > MAX_SENSITIVE_FILE) return false;
  const name = basename(path);
  return KEY_NAMES.test(name) || NAMED.has(name) || name.startsWith('.env.');
}

export function checkSensitiveFiles(fs: MergedFilesystem): CheckFinding[] {
  const out: CheckFinding[] = [];
  for (const e of fs) {
    if (!e.data || !wantsSensitive(e.path, e.size)) continue;
    const text = e.data.toString('utf8');
    const name = basename(e.path);
    const at = `/${e.path}`;
    const add = (rule: string, severity: CheckFinding['severity'], description: string, evidence?: string) =>
      out.push({ rule, severity, description, location: at, ...(evidence ? { evidence } : {}) });
    if (/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/.test(text)) add('secret.private-key', 'High', 'a private key');
    if (name === 'credentials' && e.path.includes('.aws/') && /aws_secret_access_key\s*=\s*\S+/i.test(text)) {
      add('secret.cloud-credentials', 'High', 'AWS credentials with a secret access key');
    }
    if (name === '.env' || name.startsWith('.env.')) {
      const secrets = text
        .split('\n')
        .filter((l) => /^\s*(?:export\s+)?\w*(?:PASSWORD|SECRET|TOKEN|KEY)\w*\s*=\s*\S/i.test(l));
      if (secrets.length)
        add(
          'secret.dotenv',
          'High',
          `${secrets.length} secret variables in a .env file`,
          secrets[0]!.split('=')[0]!.trim(),
        );
    }
    if (name === 'config.json' && e.path.includes('.docker/') && /"auth"\s*:\s*"[^"]+"/.test(text)) {
      add('secret.registry-auth', 'High', 'Docker registry credentials');
    }
    if (name === '.npmrc' && /_authToken\s*=\s*\S+/.test(text)) add('secret.npm-token', 'High', 'an npm auth token');
    if (name === '.git-credentials' && /https?:\/\/[^:\s]+:[^@\s]+@/.test(text)) {
      add('secret.git-credentials', 'High', 'git credentials in a URL');
    }
    if (e.path === 'etc/shadow') {
      for (const line of text.split('\n')) {
        const [user, hash] = line.split(':');
        if (!user || hash === undefined) continue;
        if (hash === '') add('secret.shadow-hash', 'High', `account ${user} has an empty password`, user);
        else if (/^\$\w+\$/.test(hash))
          add('secret.shadow-hash', 'Medium', `account ${user} has a password hash`, `${user}:${mask(hash)}`);
      }
    }
  }
  return out;
}

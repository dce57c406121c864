// `regatta trust add|ls|rm`: the signers a project trusts for cosign signatures (public keys, keyless identities
// with their sigstore trusted root), on a running server (native API /api/v1/trusted-keys; adding and removing
// need the project's admin). Rules name them in `signed_by`, and
// `POST /api/v1/images/verify` checks images against them. (`regatta key` is for AK/SK access keys.)
import type { Command } from 'commander';
import { RegattaError } from '../../errors.js';
import { withServerFlags } from '../api-client.js';
import { print } from '../output.js';
import { readText } from '../read-text.js';
import { identityClient, type JsonFlags, table, when } from './identity.js';

interface TrustedKeyRow {
  name: string;
  kind: 'key' | 'keyless';
  fingerprint: string;
  public_key_pem: string | null;
  issuer: string | null;
  subject: string | null;
  created_at: string;
}

interface AddFlags extends JsonFlags {
  certificateIdentity?: string;
  certificateOidcIssuer?: string;
  trustedRoot?: string;
}

export function registerTrust(program: Command): void {
  const trust = program
    .command('trust')
    .description('keys and keyless identities the project trusts for image signatures (on a running server)');

  withServerFlags(trust.command('add'))
    .description('trust a public key (PEM: ECDSA P-256/P-384, Ed25519 or RSA) or a keyless identity, as admin')
    .argument('<name>', 'a name for it, which rules use in signed_by (letters, digits and . _ -)')
    .argument('[file]', 'the PEM public key, e.g. cosign.pub (- for standard input)')
    .option('--certificate-identity <subject>', 'keyless: the signing certificate subject (SAN), exactly')
    .option('--certificate-oidc-issuer <url>', 'keyless: the OIDC issuer in the certificate, exactly')
    .option('--trusted-root <file>', 'keyless: the sigstore trusted_root.json that vouches for the certificates')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  regatta trust add release cosign.pub',
        '  regatta trust add ci --certificate-identity https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main \\',
        '    --certificate-oidc-issuer https://token.actions.githubusercontent.com --trusted-root trusted_root.json',
      ].join('\n'),
    )
    .action(async (name: string, file: string | undefined, flags: AddFlags) => {
      const body = await signerBody(file, flags);
      const api = await identityClient(flags);
      const row = await api.call<TrustedKeyRow>('POST', '/api/v1/trusted-keys', { body: { name, ...body } });
      print(flags, row, () => `trusted ${row.name} (${row.fingerprint})`);
    });

  withServerFlags(trust.command('ls'))
    .description("list the project's trusted keys")
    .option('--json', 'print JSON')
    .action(async (flags: JsonFlags) => {
      const api = await identityClient(flags);
      const { keys } = await api.call<{ keys: TrustedKeyRow[] }>('GET', '/api/v1/trusted-keys');
      print(flags, { keys }, () =>
        table(
          ['NAME', 'KIND', 'SIGNER', 'ADDED'],
          keys.map((k) => [
            k.name,
            k.kind,
            k.subject ? `${k.subject} (${k.issuer})` : k.fingerprint,
            when(k.created_at),
          ]),
          'no trusted keys',
        ),
      );
    });

  withServerFlags(trust.command('rm'))
    .description('stop trusting a key, as project admin')
    .argument('<name>', 'the key name')
    .option('--json', 'print JSON')
    .action(async (name: string, flags: JsonFlags) => {
      const api = await identityClient(flags);
      await api.call('DELETE', `/api/v1/trusted-keys/${encodeURIComponent(name)}`);
      print(flags, { removed: name }, () => `no longer trusting ${name}`);
    });
}

/** The request body of `trust add`: a key file, or the three keyless flags. */
async function signerBody(file: string | undefined, flags: AddFlags): Promise<object> {
  const keyless = [flags.certificateIdentity, flags.certificateOidcIssuer, flags.trustedRoot];
  if (keyless.every((k) => k === undefined)) {
    if (file === undefined) throw new RegattaError('USAGE', 'give a key FILE or a keyless identity');
    return { public_key_pem: await readText(file, 16 * 1024, file) };
  }
  if (file !== undefined || keyless.some((k) => k === undefined)) {
    throw new RegattaError(
      'USAGE',
      'a keyless identity needs --certificate-identity, --certificate-oidc-issuer and --trusted-root, and no key file',
    );
  }
  const root = await readText(flags.trustedRoot ?? '', 256 * 1024, `--trusted-root ${flags.trustedRoot}`);
  let trustedRoot: unknown;
  try {
    trustedRoot = JSON.parse(root);
  } catch {
    throw new RegattaError('USAGE', `${flags.trustedRoot}: not JSON`);
  }
  return {
    keyless: { issuer: flags.certificateOidcIssuer, subject: flags.certificateIdentity, trusted_root: trustedRoot },
  };
}

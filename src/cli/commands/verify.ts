// `regatta verify REF --key FILE…`: an image's cosign signatures, read from its registry (cosign's `.sig` tag and
// OCI 1.1 signature referrers), checked against public keys given as files (PEM, as `cosign generate-key-pair`
// writes cosign.pub), as `cosign verify --key … --insecure-ignore-tlog` checks; and/or against a keyless identity
// (`--certificate-identity`, `--certificate-oidc-issuer`, `--trusted-root`: cosign's own flags), whose certificate
// and transparency-log entry are checked too (signing/keyless.ts). Exit 0 when at least one signer verified a
// signature of the image's digest, 1 when none did.
import type { Command } from 'commander';
import { RegattaError } from '../../errors.js';
import { parseReference } from '../../oci/reference.js';
import { findSignatures, type KeyVerdict, verifySignatures } from '../../signing/cosign.js';
import { parseIdentity, type TrustedIdentity, trustIdentity } from '../../signing/keyless.js';
import { parsePublicKey, type TrustedKey } from '../../signing/keys.js';
import { connect } from '../connect.js';
import { print, ReportedError } from '../output.js';
import { readText } from '../read-text.js';

interface VerifyFlags {
  key: string[];
  certificateIdentity?: string;
  certificateOidcIssuer?: string;
  trustedRoot?: string;
  creds?: string;
  insecure?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Key files are a few hundred bytes; a bigger file is not one. */
const KEY_FILE_LIMIT = 16 * 1024;
/** A trusted_root.json is a few KiB. */
const ROOT_FILE_LIMIT = 256 * 1024;

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description("check an image's cosign signatures against public keys or a keyless identity")
    .argument('<reference>', 'HOST[:PORT]/REPO[:TAG|@DIGEST]')
    .option('--key <file>', 'a PEM public key (cosign.pub); give --key again for more keys', collect, [])
    .option('--certificate-identity <subject>', 'keyless: the signing certificate subject (SAN), exactly')
    .option('--certificate-oidc-issuer <url>', 'keyless: the OIDC issuer in the certificate, exactly')
    .option('--trusted-root <file>', 'keyless: the sigstore trusted_root.json (CAs, transparency and CT logs)')
    .option('--creds <user:password>', 'credentials (default: Docker config.json)')
    .option('--insecure', 'allow plain http to a non-loopback registry')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      [
        '',
        'Exit status: 0 when a signature of the image is verified by at least one signer, 1 when by none.',
        'With a key the transparency-log bundle is not required; a keyless identity needs all three of its',
        'flags, and its signature needs a certificate and a log entry the trusted root vouches for.',
        '',
        'Examples:',
        '  regatta verify --key cosign.pub 127.0.0.1:5000/app:1.0',
        '  regatta verify --key release.pub --key ci.pub --json registry.example/app@sha256:…',
        '  regatta verify --certificate-identity https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main \\',
        '    --certificate-oidc-issuer https://token.actions.githubusercontent.com --trusted-root trusted_root.json \\',
        '    registry.example/app:1.0',
      ].join('\n'),
    )
    .action(async (reference: string, flags: VerifyFlags) => {
      const identity = await readIdentity(flags);
      if (flags.key.length === 0 && !identity) {
        throw new RegattaError('USAGE', 'give at least one --key FILE, or a keyless identity');
      }
      const keys = [...(await Promise.all(flags.key.map(readKey))), ...(identity ? [identity] : [])];
      const ref = parseReference(reference);
      const client = await connect(ref.registry, flags);
      try {
        // The digest the tag names now, from the manifest's bytes: what must have been signed.
        const { digest } = await client.manifestGet(ref.repository, ref.digest ?? ref.tag!);
        const found = await findSignatures(client, ref.repository, digest);
        const verdicts = verifySignatures(found, digest, keys);
        const verified = verdicts.some((v) => v.verified);
        print(flags, { reference, digest, verified, signatures: found.length, keys: verdicts }, () =>
          render(digest, found.length, verdicts),
        );
        if (!verified) {
          throw new ReportedError('NOT_VERIFIED', `no signature of ${digest} was verified by the given signers`);
        }
      } finally {
        await client.close();
      }
    });
}

/** The key in `file`, named by the file as given. */
export async function readKey(file: string): Promise<TrustedKey> {
  const pem = await readText(file, KEY_FILE_LIMIT, `--key ${file}`);
  try {
    const { key, fingerprint } = parsePublicKey(pem);
    return { name: file, key, fingerprint };
  } catch (err) {
    throw new RegattaError('INVALID_PARAMETER', `--key ${file}: ${(err as Error).message}`);
  }
}

/** The keyless identity of the three flags (all or none), named by its subject. */
async function readIdentity(flags: VerifyFlags): Promise<TrustedIdentity | undefined> {
  const given = [flags.certificateIdentity, flags.certificateOidcIssuer, flags.trustedRoot];
  if (given.every((g) => g === undefined)) return undefined;
  if (given.some((g) => g === undefined)) {
    throw new RegattaError(
      'USAGE',
      'a keyless identity needs --certificate-identity, --certificate-oidc-issuer and --trusted-root',
    );
  }
  const root = flags.trustedRoot ?? '';
  const text = await readText(root, ROOT_FILE_LIMIT, `--trusted-root ${root}`);
  const subject = flags.certificateIdentity ?? '';
  const parsed = parseIdentity({ issuer: flags.certificateOidcIssuer ?? '', subject, trustedRoot: text });
  return trustIdentity(subject, parsed);
}

function render(digest: string, found: number, verdicts: KeyVerdict[]): string {
  const lines = [`Digest:     ${digest}`, `Signatures: ${found} found`];
  const width = Math.max(...verdicts.map((v) => v.name.length));
  for (const v of verdicts) {
    const what = v.verified
      ? `verified (${v.signatures === 1 ? '1 signature' : `${v.signatures} signatures`})`
      : v.detail;
    lines.push(`  ${v.verified ? 'OK  ' : 'FAIL'}  ${v.name.padEnd(width)}  ${what}  [${v.fingerprint}]`);
  }
  return lines.join('\n');
}

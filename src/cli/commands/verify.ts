// `regatta verify REF --key FILE…`: an image's cosign signatures, read from its registry (cosign's `.sig` tag and
// OCI 1.1 signature referrers), checked against public keys given as files (PEM, as `cosign generate-key-pair`
// writes cosign.pub). Exit 0 when at least one key verified a signature of the image's digest, 1 when none did.
// Key-based only, as `cosign verify --key … --insecure-ignore-tlog` checks: the transparency-log bundle is not
// verified and keyless (certificate) signatures are not supported (signing/cosign.ts).
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { RegattaError } from '../../errors.js';
import { parseReference } from '../../oci/reference.js';
import { findSignatures, type KeyVerdict, verifySignatures } from '../../signing/cosign.js';
import { parsePublicKey, type TrustedKey } from '../../signing/keys.js';
import { connect } from '../connect.js';
import { print, ReportedError } from '../output.js';

interface VerifyFlags {
  key: string[];
  creds?: string;
  insecure?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Key files are a few hundred bytes; a bigger file is not one. */
const KEY_FILE_LIMIT = 16 * 1024;

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description("check an image's cosign signatures against public keys")
    .argument('<reference>', 'HOST[:PORT]/REPO[:TAG|@DIGEST]')
    .option('--key <file>', 'a PEM public key (cosign.pub); give --key again for more keys', collect, [])
    .option('--creds <user:password>', 'credentials (default: Docker config.json)')
    .option('--insecure', 'allow plain http to a non-loopback registry')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      [
        '',
        'Exit status: 0 when a signature of the image is verified by at least one key, 1 when by none.',
        'Key-based verification only: the transparency-log bundle is not checked.',
        '',
        'Examples:',
        '  regatta verify --key cosign.pub 127.0.0.1:5000/app:1.0',
        '  regatta verify --key release.pub --key ci.pub --json registry.example/app@sha256:…',
      ].join('\n'),
    )
    .action(async (reference: string, flags: VerifyFlags) => {
      if (flags.key.length === 0) throw new RegattaError('USAGE', 'give at least one --key FILE');
      const keys = await Promise.all(flags.key.map(readKey));
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
          throw new ReportedError('NOT_VERIFIED', `no signature of ${digest} was verified by the given keys`);
        }
      } finally {
        await client.close();
      }
    });
}

/** The key in `file`, named by the file as given. */
export async function readKey(file: string): Promise<TrustedKey> {
  let pem: string;
  try {
    const bytes = await readFile(file);
    if (bytes.length > KEY_FILE_LIMIT) throw new Error(`larger than ${KEY_FILE_LIMIT} bytes`);
    pem = bytes.toString('utf8');
  } catch (err) {
    throw new RegattaError('USAGE', `--key ${file}: ${(err as { code?: string }).code ?? (err as Error).message}`);
  }
  try {
    const { key, fingerprint } = parsePublicKey(pem);
    return { name: file, key, fingerprint };
  } catch (err) {
    throw new RegattaError('INVALID_PARAMETER', `--key ${file}: ${(err as Error).message}`);
  }
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

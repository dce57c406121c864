// `regatta trust add|ls|rm`: the public keys a project trusts for cosign signatures, on a running server (native
// API /api/v1/trusted-keys; adding and removing need the project's admin). Rules name them in `signed_by`, and
// `POST /api/v1/images/verify` checks images against them. (`regatta key` is for AK/SK access keys.)
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { RegattaError } from '../../errors.js';
import { withServerFlags } from '../api-client.js';
import { print } from '../output.js';
import { identityClient, type JsonFlags, table, when } from './identity.js';

interface TrustedKeyRow {
  name: string;
  fingerprint: string;
  public_key_pem: string;
  created_at: string;
}

export function registerTrust(program: Command): void {
  const trust = program
    .command('trust')
    .description('public keys the project trusts for image signatures (on a running server)');

  withServerFlags(trust.command('add'))
    .description('trust a public key (PEM: ECDSA P-256/P-384, Ed25519 or RSA), as project admin')
    .argument('<name>', 'a name for it, which rules use in signed_by (letters, digits and . _ -)')
    .argument('<file>', 'the PEM public key, e.g. cosign.pub (- for standard input)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  regatta trust add release cosign.pub')
    .action(async (name: string, file: string, flags: JsonFlags) => {
      const pem = await readPem(file);
      const api = await identityClient(flags);
      const row = await api.call<TrustedKeyRow>('POST', '/api/v1/trusted-keys', {
        body: { name, public_key_pem: pem },
      });
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
          ['NAME', 'FINGERPRINT', 'ADDED'],
          keys.map((k) => [k.name, k.fingerprint, when(k.created_at)]),
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

/** The PEM text of `file` (or standard input for `-`), at most 16 KiB as the server takes. */
async function readPem(file: string): Promise<string> {
  try {
    const bytes = file === '-' ? await stdin() : await readFile(file);
    if (bytes.length > 16 * 1024) throw new Error('larger than 16 KiB: not a public key');
    return bytes.toString('utf8');
  } catch (err) {
    throw new RegattaError('USAGE', `${file}: ${(err as { code?: string }).code ?? (err as Error).message}`);
  }
}

async function stdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// `regatta token ls|create|revoke` and `regatta key ls|create|revoke`: API tokens and AK/SK pairs (native API
// /api/v1/credentials). Everyone manages their own; a project admin also makes them for the project's service
// accounts (--for) and sees and revokes every one acting in the project. The secret (the token, the SK) is shown
// by `create` once: the server keeps no copy it could show again.
import type { Command } from 'commander';
import { RegattaError } from '../../errors.js';
import { type ApiClient, withServerFlags } from '../api-client.js';
import { print } from '../output.js';
import { days, identityClient, type JsonFlags, memberId, table, when } from './identity.js';

interface CredentialRow {
  id: string;
  kind: 'token' | 'session' | 'access_key';
  name: string;
  principal_id: string;
  principal_name: string;
  project_id: string | null;
  access_key: string | null;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  created_by: string | null;
  created_at: string;
}

interface CreateFlags extends JsonFlags {
  for?: string;
  expiresDays?: number;
  allProjects?: boolean;
}

const state = (c: CredentialRow) =>
  c.revoked_at ? 'revoked' : c.expires_at && Date.parse(c.expires_at) <= Date.now() ? 'expired' : 'active';

/** The credentials of one kind the caller may see; active ones only unless `all`. */
async function list(api: ApiClient, kinds: CredentialRow['kind'][], all: boolean): Promise<CredentialRow[]> {
  const rows = await api.call<CredentialRow[]>('GET', '/api/v1/credentials', {
    query: kinds.includes('session') ? { sessions: true } : {},
  });
  return rows.filter((c) => kinds.includes(c.kind) && (all || state(c) === 'active'));
}

function render(rows: CredentialRow[], keys: boolean): string {
  return table(
    [
      'ID',
      ...(keys ? ['ACCESS KEY'] : []),
      'NAME',
      'HOLDER',
      'PROJECT',
      'EXPIRES',
      'LAST USED',
      ...(rows.some((c) => state(c) !== 'active') ? ['STATE'] : []),
    ],
    rows.map((c) => [
      c.id,
      ...(keys ? [c.access_key ?? ''] : []),
      c.kind === 'session' ? `${c.name} (session)` : c.name,
      c.principal_name,
      c.project_id ?? 'all',
      c.expires_at ? when(c.expires_at) : 'never',
      when(c.last_used_at),
      ...(rows.some((r) => state(r) !== 'active') ? [state(c)] : []),
    ]),
    keys ? 'no key pairs' : 'no tokens',
  );
}

function scope(c: CredentialRow): string {
  const where = c.project_id ? `in project ${c.project_id}` : 'in every project of its holder';
  return `${c.principal_name}, acting ${where}, ${c.expires_at ? `expires ${when(c.expires_at)} UTC` : 'never expires'}`;
}

export function registerCredentials(program: Command): void {
  const token = program.command('token').description('API tokens (on a running server)');
  const key = program
    .command('key')
    .description('AK/SK key pairs for the Huawei and Alibaba SDKs (on a running server)');

  for (const [cmd, kind, noun] of [
    [token, 'token', 'tokens'],
    [key, 'access_key', 'key pairs'],
  ] as const) {
    const keys = kind === 'access_key';
    const ls = withServerFlags(cmd.command('ls'))
      .description(`list your ${noun} and, as a project admin, every one acting in the project`)
      .option('--all', 'revoked and expired ones too');
    if (!keys) ls.option('--sessions', 'console and `regatta login` sessions too');
    ls.option('--json', 'print JSON').action(async (flags: JsonFlags & { all?: boolean; sessions?: boolean }) => {
      const api = await identityClient(flags);
      const rows = await list(api, flags.sessions ? [kind, 'session'] : [kind], Boolean(flags.all));
      print(flags, keys ? { keys: rows } : { tokens: rows }, () => render(rows, keys));
    });

    const create = withServerFlags(cmd.command('create'))
      .description(
        keys
          ? 'create an AK/SK pair acting in the project: the secret key is shown this once'
          : 'create an API token: shown this once',
      )
      .argument('<name>', 'what it is for, e.g. ci-pipeline (letters, digits and . _ @ -)')
      .option('--for <member>', "a service account of the project (name or id), as the project's admin")
      .option('--expires-days <n>', 'expire after this many days (default: never, until revoked)', days);
    if (!keys) create.option('--all-projects', 'act in every project you belong to (default: the project only)');
    create
      .option('--json', 'print JSON (the secret included)')
      .addHelpText(
        'after',
        keys
          ? '\nExample:\n  regatta key create mirror --for mirror-bot --expires-days 90'
          : '\nExamples:\n  regatta token create ci-pipeline --for ci --expires-days 30\n  regatta token create laptop --all-projects',
      )
      .action(async (name: string, flags: CreateFlags) => {
        const api = await identityClient(flags);
        const principal = flags.for === undefined ? undefined : await memberId(api, flags.for);
        const made = await api.call<CredentialRow & { token?: string; secret_key?: string }>(
          'POST',
          '/api/v1/credentials',
          {
            body: {
              kind,
              name,
              principal_id: principal,
              expires_in_days: flags.expiresDays,
              all_projects: flags.allProjects ? true : undefined,
            },
          },
        );
        print(flags, made, () =>
          keys
            ? [
                `created key pair ${made.name} (${made.id}) for ${scope(made)}`,
                '',
                `  access key (AK): ${made.access_key}`,
                `  secret key (SK): ${made.secret_key}`,
                '',
                'Save the secret key now: it is not shown again.',
              ].join('\n')
            : [
                `created token ${made.name} (${made.id}) for ${scope(made)}`,
                '',
                `  token: ${made.token}`,
                '',
                'Save the token now: it is not shown again. Use it as REGATTA_TOKEN or the X-Auth-Token header.',
              ].join('\n'),
        );
      });

    withServerFlags(cmd.command('revoke'))
      .description(`revoke one of the ${noun}: its next request fails`)
      .argument('<id>', keys ? 'the key pair id, or its access key' : 'the token id')
      .option('--json', 'print JSON')
      .action(async (idOrAk: string, flags: JsonFlags) => {
        const api = await identityClient(flags);
        // The server revokes any credential by id: a token's id given to `key revoke` (or the reverse) is refused
        // here when the caller can see it.
        const visible = await list(api, ['token', 'session', 'access_key'], true);
        const found = visible.find((c) => c.id === idOrAk || (keys && c.access_key === idOrAk));
        if (found && (found.kind === 'access_key') !== keys)
          throw new RegattaError(
            'USAGE',
            `${idOrAk} is ${keys ? `a ${found.kind}: regatta token revoke` : 'a key pair: regatta key revoke'}`,
          );
        if (!found && keys && /^[A-Z0-9]{16,}$/.test(idOrAk))
          throw new RegattaError('NOT_FOUND', `no key pair with access key ${idOrAk}`);
        const id = found?.id ?? idOrAk;
        const revoked = await api.call<CredentialRow>('DELETE', `/api/v1/credentials/${encodeURIComponent(id)}`);
        print(flags, revoked, () => `revoked ${keys ? 'key pair' : 'token'} ${revoked.name} (${revoked.id})`);
      });
  }
}

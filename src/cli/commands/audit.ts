// `regatta audit ls`: the audit log (native API /api/v1/audit), every state-changing request of every API family
// with who made it, with which credential and how it ended. A project admin reads the project's entries; a
// superadmin every entry with --all. Newest first; --before pages back.
import { type Command, Option } from 'commander';
import { withServerFlags } from '../api-client.js';
import { print } from '../output.js';
import { identityClient, type JsonFlags, since, table } from './identity.js';

interface AuditEntry {
  id: number;
  at: string;
  principal_id: string | null;
  principal_name: string | null;
  credential_id: string | null;
  project_id: string | null;
  family: string;
  action: string;
  target: string;
  status: number;
  outcome: string;
  request_id: string;
  source: string;
}

interface AuditFlags extends JsonFlags {
  principal?: string;
  family?: string;
  outcome?: string;
  since?: string;
  before?: string;
  limit: string;
  all?: boolean;
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the audit log (on a running server; project admin)');

  withServerFlags(audit.command('ls'))
    .description('list audit entries, newest first')
    .option('--principal <name>', "only this person's or service account's requests")
    .addOption(
      new Option('--family <api>', 'only this API family').choices([
        'native',
        'hss',
        'swr',
        'acr',
        'iam',
        'harbor-scanner',
        'metrics',
      ]),
    )
    .addOption(
      new Option('--outcome <outcome>', 'only this outcome').choices([
        'success',
        'failure',
        'denied',
        'unauthenticated',
      ]),
    )
    .option('--since <time>', 'only entries since: an ISO time, or an age such as 30m, 12h, 7d', since)
    .option('--before <id>', 'only entries older than this id (the next page)')
    .option('--limit <n>', 'at most this many (1 to 1000)', '100')
    .option('--all', "every project's entries and the server's own (superadmin)")
    .option('--json', 'print JSON')
    .action(async (flags: AuditFlags) => {
      const api = await identityClient(flags);
      const out = await api.call<{ entries: AuditEntry[]; next_before: number | null }>('GET', '/api/v1/audit', {
        query: {
          principal: flags.principal,
          family: flags.family,
          outcome: flags.outcome,
          since: flags.since,
          before: flags.before,
          limit: flags.limit,
          all: flags.all ? true : undefined,
        },
      });
      print(flags, out, () =>
        [
          table(
            ['ID', 'AT (UTC)', 'WHO', ...(flags.all ? ['PROJECT'] : []), 'ACTION', 'TARGET', 'STATUS', 'OUTCOME'],
            out.entries.map((e) => [
              String(e.id),
              e.at.slice(0, 19).replace('T', ' '),
              e.principal_name ?? '-',
              ...(flags.all ? [e.project_id ?? '-'] : []),
              e.action,
              e.target,
              String(e.status),
              e.outcome,
            ]),
            'no entries',
          ),
          ...(out.next_before ? [`more: --before ${out.next_before}`] : []),
        ].join('\n'),
      );
    });
}

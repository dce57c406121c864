// `regatta login|logout|whoami`: signing in with a name and password (native API POST /api/v1/session) for a
// session token, kept in the CLI's config file (~/.config/regatta/config.json, owner-only) with the server's URL,
// or printed with --print for REGATTA_TOKEN; signing out revokes it; who am I says with which role where.
import type { Command } from 'commander';
import { RegattaError } from '../../errors.js';
import {
  apiClient,
  readConfigFile,
  type ServerFlags,
  serverUrl,
  updateConfigFile,
  withServerFlags,
} from '../api-client.js';
import { print } from '../output.js';
import { identityClient, type JsonFlags, passwordFromStdin, table, when } from './identity.js';

interface LoginFlags extends JsonFlags {
  name: string;
  print?: boolean;
}

interface WhoAmI {
  id: string;
  name: string;
  kind: 'user' | 'service';
  superadmin: boolean;
  project_id: string;
  role: string | null;
  credential: { id: string; kind: string };
  projects: { id: string; name: string; role: string }[];
}

export function registerSession(program: Command): void {
  program
    .command('login')
    .description('sign in with a name and password (on a running server): keeps a session token for the commands')
    .option('--server <url>', 'Regatta server (REGATTA_URL; default http://127.0.0.1:8480)')
    .requiredOption('--name <name>', 'your name on the server')
    .requiredOption('--password-stdin', 'read the password from stdin')
    .option('--project <id>', 'also keep this project as the default one')
    .option('--print', 'print the token (for REGATTA_TOKEN) instead of keeping it in the config file')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
The session lasts REGATTA_SESSION_HOURS (the server's setting) and acts in every project you belong to.
Examples:
  printf %s "$PASSWORD" | regatta login --server https://regatta.example --name alice --password-stdin
  export REGATTA_TOKEN=$(regatta login --name alice --password-stdin --print < ~/.regatta-password)`,
    )
    .action(async (flags: LoginFlags) => {
      const password = await passwordFromStdin();
      const url = await serverUrl(flags);
      // No token goes with a sign-in: a stale REGATTA_TOKEN must not make it fail.
      const api = await apiClient({ server: url, project: flags.project }, { anonymous: true, projectOptional: true });
      const session = await api.call<{ token: string; expires_at: string; name: string }>('POST', '/api/v1/session', {
        body: { name: flags.name, password },
      });
      if (flags.print) {
        print(flags, session, () => session.token);
        if (!flags.json)
          process.stderr.write(`signed in until ${when(session.expires_at)} UTC: export REGATTA_TOKEN\n`);
        return;
      }
      const path = await updateConfigFile({
        url,
        token: session.token,
        ...(flags.project ? { project: flags.project } : {}),
      });
      print(
        flags,
        { name: session.name, expires_at: session.expires_at, server: url, config: path },
        () => `signed in to ${url} as ${session.name} until ${when(session.expires_at)} UTC (token kept in ${path})`,
      );
      if (process.env.REGATTA_TOKEN)
        process.stderr.write('regatta: note: REGATTA_TOKEN is set, and is used instead of the kept token\n');
    });

  withServerFlags(program.command('logout'))
    .description('sign out: revoke the session token and forget it (on a running server)')
    .option('--json', 'print JSON')
    .action(async (flags: JsonFlags) => {
      const file = await readConfigFile();
      const token = flags.token ?? process.env.REGATTA_TOKEN ?? file.token;
      if (!token)
        throw new RegattaError('USAGE', 'not signed in: no token in --token, REGATTA_TOKEN or the config file');
      const kept = flags.token === undefined && process.env.REGATTA_TOKEN === undefined;
      const api = await identityClient({ ...flags, token });
      // DELETE /session revokes whatever credential the request carries: only a session's is revoked here, never
      // an API token that happens to be in REGATTA_TOKEN.
      const kind = await api.call<WhoAmI>('GET', '/api/v1/whoami').then(
        (me) => me.credential.kind,
        (err: RegattaError) => {
          if (kept && err.code === 'UNAUTHENTICATED') return 'gone';
          throw err;
        },
      );
      if (kind === 'session') await api.call('DELETE', '/api/v1/session');
      else if (!kept)
        throw new RegattaError(
          'NOT_A_SESSION',
          'this token is not a session: revoke it with `regatta token revoke ID`',
        );
      if (kept) await updateConfigFile({ token: undefined });
      print(flags, { revoked: kind === 'session', forgotten: kept }, () => {
        if (kind === 'session') return 'signed out';
        if (kind === 'gone') return 'forgot the kept token (it no longer worked)';
        return 'forgot the kept token (not a session: it still works until `regatta token revoke ID`)';
      });
    });

  withServerFlags(program.command('whoami'))
    .description('who the token is, with which role in which project (on a running server)')
    .option('--json', 'print JSON')
    .action(async (flags: ServerFlags & { json?: boolean }) => {
      const api = await identityClient(flags);
      const me = await api.call<WhoAmI>('GET', '/api/v1/whoami');
      print(flags, me, () => {
        const who = `${me.name} (${me.kind === 'service' ? 'service account' : me.superadmin ? 'superadmin' : 'person'}, ${me.id})`;
        const where = me.project_id ? `project ${me.project_id} as ${me.role ?? 'no member'}` : 'no project named';
        return [
          who,
          `  acting in: ${where}`,
          `  credential: ${me.credential.kind} ${me.credential.id}`,
          '',
          table(
            ['PROJECT', 'NAME', 'ROLE'],
            me.projects.map((p) => [p.id, p.name, p.role]),
            'member of no project',
          ),
        ].join('\n');
      });
    });
}

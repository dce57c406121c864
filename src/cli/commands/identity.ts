// What the identity commands (project, user, member, token, key, login, audit) share: a client that lets the
// server pick the project when none is named, passwords read from stdin only, name-or-id look-ups and tables.
import { InvalidArgumentError, Option } from 'commander';
import { RegattaError } from '../../errors.js';
import { type ApiClient, apiClient, type ServerFlags } from '../api-client.js';

export interface JsonFlags extends ServerFlags {
  json?: boolean;
}

/**
 * The client of an identity command. Without --project (or REGATTA_PROJECT, or the config file's) the server takes
 * the credential's own project, else the caller's only one: a person in one project never names it.
 */
export function identityClient(flags: ServerFlags): Promise<ApiClient> {
  return apiClient(flags, { projectOptional: true });
}

/** The roles of a project, as an option every role-giving command takes. */
export function roleOption(): Option {
  return new Option('--role <role>', 'the role in the project')
    .choices(['admin', 'operator', 'viewer'])
    .makeOptionMandatory();
}

/** A positive whole number of days, for --expires-days. */
export function days(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 3650) throw new InvalidArgumentError('a whole number of days, 1 to 3650');
  return n;
}

/**
 * The password on stdin (`--password-stdin`), as `docker login` reads it: everything up to end of input, less one
 * trailing line break. Never from the command line, where `ps` and shell history would show it. On a terminal,
 * a prompt that does not echo.
 */
export async function passwordFromStdin(): Promise<string> {
  let password: string;
  if (process.stdin.isTTY) password = await promptHidden('Password: ');
  else {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
    password = Buffer.concat(chunks).toString('utf8').replace(/\n$/, '').replace(/\r$/, '');
  }
  if (!password) throw new RegattaError('USAGE', 'no password on stdin');
  return password;
}

function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const end = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          end();
          return resolve(typed);
        }
        if (ch === '\u0003') {
          end();
          return reject(new RegattaError('USAGE', 'interrupted'));
        }
        typed = ch === '\u007f' || ch === '\b' ? typed.slice(0, -1) : typed + ch;
      }
    };
    stdin.on('data', onData);
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);

/** `nameOrId` among `rows`: the one with that id, else the only one with that name; NOT_FOUND otherwise. */
export function pick<T extends { id: string; name: string }>(rows: T[], nameOrId: string, what: string): T {
  const byId = rows.find((r) => r.id === nameOrId);
  if (byId) return byId;
  const named = rows.filter((r) => r.name === nameOrId);
  if (named.length > 1)
    throw new RegattaError('AMBIGUOUS', `${named.length} ${what}s are named ${nameOrId}: give an id`);
  if (!named[0]) throw new RegattaError('NOT_FOUND', `no ${what} ${nameOrId}`);
  return named[0];
}

export interface PrincipalRow {
  id: string;
  kind: 'user' | 'service';
  name: string;
  superadmin: boolean;
  sign_in: string;
  disabled: boolean;
  created_at: string;
}

export interface MemberRow extends PrincipalRow {
  role: string;
  source: string;
}

/** A person's id, from their name or id (server-wide: a superadmin's look-up). */
export async function userId(api: ApiClient, nameOrId: string): Promise<string> {
  if (isUuid(nameOrId)) return nameOrId;
  return pick(await api.call<PrincipalRow[]>('GET', '/api/v1/users'), nameOrId, 'person').id;
}

/** A member's id in the request's project, from their name or id. */
export async function memberId(api: ApiClient, nameOrId: string): Promise<string> {
  if (isUuid(nameOrId)) return nameOrId;
  return pick(await api.call<MemberRow[]>('GET', '/api/v1/members'), nameOrId, 'member').id;
}

/** Columns padded to their widest cell, two spaces apart; `empty` when there are no rows. */
export function table(header: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return empty;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** An ISO time as `2024-05-01 12:34` (UTC), or `-`. */
export function when(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '-';
}

/** A `--since` value: an ISO time, or an age such as 30m, 12h, 7d. */
export function since(value: string): string {
  const age = /^(\d+)([smhd])$/.exec(value);
  if (age) {
    const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[age[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(Date.now() - Number(age[1]) * unit * 1000).toISOString();
  }
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) throw new InvalidArgumentError('an ISO time, or an age such as 30m, 12h, 7d');
  return t.toISOString();
}

// Every state-changing request of every API family lands in the audit log (store/audit.ts) once its answer is
// sent: a write method (POST, PUT, PATCH, DELETE), or an ACR action that is not a read (ACR's SDK POSTs reads
// too). Refused sign-ins and refused credentials are entries too (outcome `unauthenticated`). The entry is
// written after the response, so it costs the caller no time; a failed write is logged, never answered.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import type { AuditEntry } from '../../store/audit.js';
import { namedProject } from './guard.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The name a sign-in attempt gave (recorded when no principal could be resolved). */
    auditName?: string;
    /** What an RPC call acted on (ACR: its repository, rule or task). */
    auditTarget?: string;
    /** The RPC action's name (ACR's Action). */
    auditAction?: string;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SWEEP_EVERY_MS = 6 * 3_600_000;

export function familyOf(url: string): string {
  if (url.startsWith('/v5/')) return 'hss';
  if (url.startsWith('/v2/manage/')) return 'swr';
  if (url.startsWith('/v3/')) return 'iam';
  if (url.startsWith('/metrics')) return 'metrics';
  if (/^\/api\/v1\/(scan|metadata)(\/|$|\?)/.test(url)) return 'harbor-scanner';
  if (url.startsWith('/api/')) return 'native';
  return 'acr';
}

function outcomeOf(status: number): AuditEntry['outcome'] {
  if (status < 400) return 'success';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'denied';
  return 'failure';
}

function mutates(request: FastifyRequest): boolean {
  if (request.is404) return false;
  if (familyOf(request.url) === 'acr' && request.routeOptions.config.access === 'per-action')
    return request.acrAccess !== undefined ? request.acrAccess !== 'read' : request.authFailed === true;
  return !READ_METHODS.has(request.method);
}

export function auditEntry(request: FastifyRequest, reply: FastifyReply): AuditEntry | undefined {
  if (!mutates(request)) return undefined;
  const caller = request.caller;
  let project: string | null = request.identity?.projectId || null;
  try {
    project ??= namedProject(request) ?? null;
  } catch {
    // params not parsed (refused before routing): no project
  }
  const path = (request.raw.url ?? request.url).split('?')[0]!;
  return {
    principal_id: caller?.principalId ?? null,
    principal_name: caller?.name ?? request.auditName ?? null,
    credential_id: caller?.credentialId || null,
    project_id: project,
    family: familyOf(request.url),
    action: request.auditAction ?? `${request.method} ${request.routeOptions.url ?? path}`,
    target: (request.auditTarget ?? path).slice(0, 500),
    status: reply.statusCode,
    outcome: outcomeOf(reply.statusCode),
    request_id: String(request.id),
    source: request.ip,
  };
}

export function registerAudit(app: FastifyInstance, ctx: AppContext, retentionDays: number): void {
  app.addHook('onResponse', async (request, reply) => {
    const entry = auditEntry(request, reply);
    if (!entry) return;
    await ctx.audit.append(entry).catch((err) => request.log.error({ err }, 'audit entry not written'));
  });
  let timer: NodeJS.Timeout | undefined;
  const sweep = () =>
    ctx.audit.prune(retentionDays).catch((err) => app.log.warn({ err }, 'audit retention sweep failed'));
  app.addHook('onReady', async () => {
    void sweep();
    timer = setInterval(sweep, SWEEP_EVERY_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
}

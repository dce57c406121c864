// Push events from registries, the trigger of PASSIVE rules: Distribution notification envelopes (the registry's
// `notifications` endpoint config, sending our X-Auth-Token header) and Harbor webhook payloads. The registry is
// recognised by the host the event names, among the caller's connected registries, so a token of one project
// never fires another project's rules.
// Distribution: https://distribution.github.io/distribution/about/notifications/
// Harbor: https://goharbor.io/docs/2.10.0/working-with-projects/project-configuration/configure-webhooks/
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { repositoryRef } from '../../connectors/repository.js';
import { isValidDigest, isValidRepository, isValidTag } from '../../oci/reference.js';
import { onPush } from '../../services/replication.js';
import { typed } from '../typed.js';
import { badRequest } from './errors.js';
import { int, view } from './schemas.js';

/** One pushed tag, wherever the event came from. */
export interface PushedTag {
  host: string;
  repository: string;
  tag: string;
  digest: string;
}

const schema = {
  tags: ['events'],
  // Either format, told apart and checked field by field (pushesOf).
  body: { type: 'object' },
  response: {
    200: {
      description: 'Tag pushes in the event, registries of the project they matched, sync batches started',
      ...view({ events: int, matched_registries: int, batches: int }),
    },
  },
} as const;

export function registerEventRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Distribution posts its envelope as application/vnd.docker.distribution.events.v1+json, Harbor as
  // application/json: both parsed by the app (raw bytes kept for signatures).
  typed(app).post('/events/registry', { config: { access: 'write' }, schema }, async (request) => {
    const pushes = pushesOf(request.body);
    if (pushes === undefined) throw badRequest('neither a Distribution notification envelope nor a Harbor webhook');
    if (pushes.length > MAX_PUSHES)
      throw badRequest(`${pushes.length} tag pushes in one request: at most ${MAX_PUSHES}`);
    const bad = pushes.find((p) => invalidPart(p) !== undefined);
    if (bad) throw badRequest(`event for ${JSON.stringify(bad.repository.slice(0, 200))}: ${invalidPart(bad)}`);
    const projectId = request.identity!.projectId;
    let batches = 0;
    let matched = 0;
    for (const push of pushes) {
      const registries = (await ctx.registries.byAddress(push.host)).filter((r) => r.project_id === projectId);
      const { namespace, name } = repositoryRef(push.repository);
      for (const registry of registries) {
        matched++;
        const image = { namespace, repository: name, tag: push.tag, digest: push.digest };
        batches += (await onPush(ctx, registry.id, image, 'event')).length;
      }
    }
    return { events: pushes.length, matched_registries: matched, batches };
  });
}

/** Tag pushes one request may carry (Distribution sends a few per envelope; each may start a batch). */
const MAX_PUSHES = 500;

/**
 * What is wrong with a push's repository, tag or digest as the distribution spec's grammar sees them, if anything:
 * they are used in registry URLs, so `../` or `?x=` in an event must never reach one.
 */
function invalidPart(p: PushedTag): string | undefined {
  if (!isValidRepository(p.repository)) return 'the repository is not a valid name';
  if (!isValidTag(p.tag)) return `tag ${JSON.stringify(p.tag.slice(0, 200))} is not a valid tag`;
  if (!isValidDigest(p.digest)) return `digest ${JSON.stringify(p.digest.slice(0, 200))} is not a valid digest`;
  return undefined;
}

/** The tag pushes an event body carries, or undefined when it is no known event format. */
export function pushesOf(body: unknown): PushedTag[] | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (Array.isArray(b.events)) return b.events.flatMap(distributionPush);
  if (typeof b.type === 'string' && typeof b.event_data === 'object' && b.event_data !== null) return harborPushes(b);
  return undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: event JSON, checked field by field
function distributionPush(e: any): PushedTag[] {
  const t = e?.target;
  // Blob pushes and pushes by digest carry no tag: only a tagged manifest push fires a rule.
  if (e?.action !== 'push' || typeof t?.tag !== 'string' || typeof t?.digest !== 'string') return [];
  const host = typeof e.request?.host === 'string' ? e.request.host : hostOf(t.url);
  return host && typeof t.repository === 'string'
    ? [{ host, repository: t.repository, tag: t.tag, digest: t.digest }]
    : [];
}

// biome-ignore lint/suspicious/noExplicitAny: webhook JSON, checked field by field
function harborPushes(b: any): PushedTag[] {
  if (b.type !== 'PUSH_ARTIFACT' && b.type !== 'pushImage') return [];
  const repository = b.event_data?.repository?.repo_full_name;
  if (typeof repository !== 'string' || !Array.isArray(b.event_data.resources)) return [];
  // biome-ignore lint/suspicious/noExplicitAny: as above
  return b.event_data.resources.flatMap((r: any) => {
    const host = typeof r?.resource_url === 'string' ? r.resource_url.split('/')[0] : undefined;
    return host && typeof r.tag === 'string' && typeof r.digest === 'string'
      ? [{ host, repository, tag: r.tag, digest: r.digest }]
      : [];
  });
}

function hostOf(url: unknown): string | undefined {
  try {
    return typeof url === 'string' ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
}

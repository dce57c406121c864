// Shared parameter schemas of the HSS v5 image APIs, with the ranges the seed pages document
// (out of range → 400 HSS.0001).

import type { FastifyRequest } from 'fastify';
import { REGISTRY_TYPES } from '../../connectors/connector.js';
import { ALL_ENTERPRISE_PROJECTS, DEFAULT_ENTERPRISE_PROJECT, type Scope } from '../../store/scope.js';
import { accessDenied } from './errors.js';

export const projectParams = {
  type: 'object',
  required: ['project_id'],
  properties: { project_id: { type: 'string', minLength: 1, maxLength: 256 } },
} as const;

export const enterpriseProject = { type: 'string', minLength: 1, maxLength: 256 } as const;
/** The query of routes whose only parameter is the enterprise project. */
export const epQuery = { type: 'object', properties: { enterprise_project_id: enterpriseProject } } as const;
export const offset = { type: 'integer', minimum: 0, maximum: 2_000_000, default: 0 } as const;
/** Most HSS lists take 10–200; ListRegistryImages takes 1–200. */
export const limit = (minimum: number) => ({ type: 'integer', minimum, maximum: 200, default: 10 }) as const;
export const millis = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
/** The seed's registry types: the connectors' one list. */
export const registryTypeEnum = REGISTRY_TYPES;

/** Comma-separated registry types, each checked against the enum. */
export const registryTypeList = {
  type: 'string',
  pattern: `^(${registryTypeEnum.join('|')})(,(${registryTypeEnum.join('|')}))*$`,
} as const;

/** Response field types. */
export const integer = { type: 'integer' } as const;
export const string = { type: 'string' } as const;

export const listResponse = <T extends object>(item: T) =>
  ({
    type: 'object',
    required: ['total_num', 'data_list'],
    properties: { total_num: { type: 'integer' }, data_list: { type: 'array', items: item } },
  }) as const;

/** The `{}` most HSS writes answer with. */
export const emptyResponse = (description: string) =>
  ({ description, type: 'object', properties: {}, additionalProperties: false }) as const;

/** `{ id }` of what a call created. */
export const idResponse = { type: 'object', properties: { id: { type: 'string' } } } as const;

/**
 * The caller's scope for this request. The path's project must be the identity's own: an identity acts in its
 * project only (the store filters by the scope again on every query).
 */
export function scopeOf(request: {
  identity?: FastifyRequest['identity'];
  params: { project_id: string };
  query: { enterprise_project_id?: string };
}): Scope {
  const identity = request.identity;
  if (!identity || identity.projectId !== request.params.project_id)
    throw accessDenied(`Access denied to project ${request.params.project_id}`);
  const ep = request.query.enterprise_project_id;
  return { projectId: identity.projectId, enterpriseProjectId: ep ?? DEFAULT_ENTERPRISE_PROJECT };
}

export { ALL_ENTERPRISE_PROJECTS };

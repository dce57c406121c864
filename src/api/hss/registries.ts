// HSS registry APIs: ListRegistry (seed 004), AddRegistry, UpdateRegistry, DeleteRegistry,
// BatchDeleteRegistry, ListRegistryStatistics. Adding or updating starts an access check in the background.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { requestRegistryCheck } from '../../services/inventory.js';
import { instanceOf, type RegistryInput, type RegistryView } from '../../store/registries.js';
import { isUuid, type Scope } from '../../store/scope.js';
import { typed } from '../typed.js';
import { conflict, notFound } from './errors.js';
import {
  emptyResponse,
  enterpriseProject,
  epQuery,
  idResponse,
  limit,
  listResponse,
  offset,
  projectParams,
  registryTypeEnum,
  registryTypeList,
  scopeOf,
} from './params.js';

const registryInfo = {
  type: 'object',
  required: ['id', 'registry_name', 'registry_type', 'protocol', 'registry_addr', 'status', 'images_num'],
  properties: {
    id: { type: 'string' },
    registry_name: { type: 'string' },
    registry_type: { type: 'string' },
    api_version: { type: 'string' },
    protocol: { type: 'string' },
    registry_addr: { type: 'string' },
    registry_username: { type: 'string' },
    namespace: { type: 'string' },
    connect_cluster_id: { type: 'string' },
    get_scan_image_channel: { type: 'string' },
    status: { type: 'string' },
    fail_reason: { type: 'string' },
    fail_detail: { type: 'string' },
    images_num: { type: 'integer' },
    latest_sync_time: { type: 'integer' },
    region_id: { type: 'string' },
    instance_id: { type: 'string' },
    instance_name: { type: 'string', description: 'Regatta: the instance users know it by (default its name)' },
    instance_url: { type: 'string', description: 'Regatta: where users reach it (default protocol://registry_addr)' },
  },
} as const;

/** A DNS name, IPv4 address or [IPv6] address, and an optional port: what a registry address may be. */
const REGISTRY_ADDRESS =
  '^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]{2,45}\\])(?::[0-9]{1,5})?$';

/** UpdateRegistry takes AddRegistry's fields but the name and the type, which are fixed at creation. */
const updatableFields = {
  api_version: { type: 'string', enum: ['V1', 'V2'] },
  protocol: { type: 'string', enum: ['http', 'https'] },
  // host[:port] and nothing else: no scheme, no user:password@, no path, query or fragment (it becomes a URL).
  registry_addr: { type: 'string', minLength: 1, maxLength: 256, pattern: REGISTRY_ADDRESS },
  registry_username: { type: 'string', maxLength: 128 },
  registry_password: { type: 'string', maxLength: 1024 },
  namespace: { type: 'string', maxLength: 128 },
  connect_cluster_id: { type: 'string', maxLength: 64 },
  get_scan_image_channel: { type: 'string', enum: ['Swr', 'Other'] },
  region_id: { type: 'string', maxLength: 64 },
  instance_id: { type: 'string', maxLength: 128 },
  instance_name: { type: 'string', minLength: 1, maxLength: 128 },
  // Shown to users, never fetched: any http(s) URL.
  instance_url: { type: 'string', maxLength: 512, pattern: '^https?://[^\\s]+$' },
} as const;

const addBody = {
  type: 'object',
  required: ['registry_name', 'registry_type', 'protocol', 'registry_addr'],
  additionalProperties: false,
  properties: {
    registry_name: { type: 'string', minLength: 1, maxLength: 128 },
    registry_type: { type: 'string', enum: registryTypeEnum },
    ...updatableFields,
  },
} as const;
const updateBody = { type: 'object', additionalProperties: false, properties: updatableFields } as const;

const registryParams = {
  ...projectParams,
  required: ['project_id', 'id'],
  properties: { ...projectParams.properties, id: { type: 'string', maxLength: 64 } },
} as const;

export function registerRegistryRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = typed(fastify);
  app.get(
    '/image/registries',
    {
      config: { access: 'read' },
      schema: {
        summary: 'ListRegistry',
        params: projectParams,
        querystring: {
          type: 'object',
          properties: {
            enterprise_project_id: enterpriseProject,
            offset,
            limit: limit(10),
            registry_name: { type: 'string', minLength: 1, maxLength: 128 },
            registry_id: { type: 'string', minLength: 1, maxLength: 64 },
            registry_type: registryTypeList,
            registry_addr: { type: 'string', minLength: 1, maxLength: 256 },
            status: { type: 'string', enum: ['success', 'fail', 'accessing'] },
          },
        },
        response: { 200: { description: 'Registries of the project', ...listResponse(registryInfo) } },
      },
    },
    async (request) => {
      const q = request.query;
      const { total, rows } = await ctx.registries.list(scopeOf(request), {
        ...q,
        registry_types: q.registry_type?.split(','),
      });
      return { total_num: total, data_list: rows.map(toRegistryInfo) };
    },
  );

  app.post(
    '/image/registries',
    {
      config: { access: 'write' },
      schema: {
        summary: 'AddRegistry',
        params: projectParams,
        querystring: epQuery,
        body: addBody,
        response: { 200: { description: 'The new registry (its access check runs in the background)', ...idResponse } },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      await refuseSharedLocator(ctx, scope, request.body);
      let row: RegistryView;
      try {
        row = await ctx.registries.add(scope, request.body);
      } catch (err) {
        if ((err as { code?: string }).code === '23505')
          throw conflict(`A registry named "${request.body.registry_name}" already exists`);
        throw err;
      }
      await requestRegistryCheck(ctx, row.id);
      return { id: row.id };
    },
  );

  app.put(
    '/image/registries/:id',
    {
      config: { access: 'write' },
      schema: {
        summary: 'UpdateRegistry',
        params: registryParams,
        querystring: epQuery,
        body: updateBody,
        response: { 200: emptyResponse('Updated; its access check runs in the background') },
      },
    },
    async (request) => {
      const id = request.params.id;
      if (isUuid(id)) await refuseSharedLocator(ctx, scopeOf(request), request.body, id);
      const row = isUuid(id) ? await ctx.registries.update(scopeOf(request), id, request.body) : undefined;
      if (!row) throw notFound(`registry ${id}`);
      await requestRegistryCheck(ctx, row.id);
      return {};
    },
  );

  app.delete(
    '/image/registries/:id',
    {
      config: { access: 'write' },
      schema: {
        summary: 'DeleteRegistry',
        params: registryParams,
        querystring: epQuery,
        response: { 200: emptyResponse('Deleted') },
      },
    },
    async (request) => {
      const id = request.params.id;
      const deleted = isUuid(id) ? await ctx.registries.delete(scopeOf(request), [id]) : [];
      if (deleted.length === 0) throw notFound(`registry ${id}`);
      return {};
    },
  );

  app.post(
    '/image/registries/batch-delete',
    {
      config: { access: 'write' },
      schema: {
        summary: 'BatchDeleteRegistry',
        params: projectParams,
        querystring: epQuery,
        body: {
          type: 'object',
          required: ['ids'],
          properties: { ids: { type: 'array', minItems: 1, maxItems: 200, items: { type: 'string', maxLength: 64 } } },
        },
        response: { 200: emptyResponse('Deleted (ids of no registry of the project are ignored)') },
      },
    },
    async (request) => {
      await ctx.registries.delete(scopeOf(request), request.body.ids.filter(isUuid));
      return {};
    },
  );

  app.get(
    '/image/registries/statistics',
    {
      config: { access: 'read' },
      schema: {
        summary: 'ListRegistryStatistics',
        params: projectParams,
        querystring: {
          type: 'object',
          properties: {
            enterprise_project_id: enterpriseProject,
            registry_type: { type: 'string', enum: registryTypeEnum },
          },
        },
        response: {
          200: {
            description: 'Registries by access status',
            type: 'object',
            properties: { success_num: { type: 'integer' }, fail_num: { type: 'integer' } },
          },
        },
      },
    },
    async (request) => ctx.registries.statistics(scopeOf(request), request.query.registry_type),
  );
}

/** RegistryInfo as seed 004 shows it: absent values left out, never the password. */
function toRegistryInfo(r: RegistryView) {
  return {
    id: r.id,
    registry_name: r.registry_name,
    registry_type: r.registry_type,
    api_version: r.api_version,
    protocol: r.protocol,
    registry_addr: r.registry_addr,
    registry_username: r.registry_username ?? undefined,
    namespace: r.namespace ?? undefined,
    connect_cluster_id: r.connect_cluster_id ?? undefined,
    get_scan_image_channel: r.get_scan_image_channel ?? undefined,
    status: r.status,
    fail_reason: r.fail_reason ?? undefined,
    fail_detail: r.fail_detail ?? undefined,
    images_num: r.images_num,
    latest_sync_time: r.latest_sync_time ?? undefined,
    region_id: r.region_id ?? undefined,
    instance_id: r.instance_id ?? undefined,
    ...instanceOf(r),
  };
}

/**
 * A region_id (SWR remoteRegionId) or instance_id (ACR InstanceId) names one registry of a project: a second
 * registry claiming it would make every SWR or ACR call on it ambiguous, so it is refused.
 */
async function refuseSharedLocator(
  ctx: AppContext,
  scope: Scope,
  body: Partial<RegistryInput>,
  self?: string,
): Promise<void> {
  for (const by of ['region_id', 'instance_id'] as const) {
    const value = body[by];
    if (!value) continue;
    const holder = await ctx.registries.byLocator(scope, by, value);
    if (holder && holder.id !== self) {
      throw conflict(`${by} ${JSON.stringify(value)} already belongs to registry "${holder.registry_name}"`);
    }
  }
}

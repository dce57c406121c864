// HSS image scanning: CreateManualImageScanTask (by image_info, by query_info filters, or is_all),
// StopImageScanTask, and per image its results: ListImageVulnerabilities (vul_id the CVE where one exists,
// app_name the package, solution the fixed version, repair_necessity immediate/delay/not_needed), malicious files,
// sensitive files, unsafe settings (baseline risk configs) and Regatta's CycloneDX SBOM. Results are per digest:
// every tag naming the digest answers the same.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.js';
import type { CheckFinding } from '../../scanning/checks/types.js';
import type { MaliciousFileFinding } from '../../scanning/malware.js';
import { cycloneDx } from '../../scanning/sbom.js';
import type { VulnerabilityFinding } from '../../scanning/vulndb/match.js';
import type { Severity } from '../../scanning/vulndb/severity.js';
import { requestScans } from '../../services/scanning.js';
import { type ScanTarget, scanTargets } from '../../store/images-query.js';
import type { Scope } from '../../store/scope.js';
import { typed } from '../typed.js';
import { conflict, invalidParameter, notFound } from './errors.js';
import { imageFilterProperties } from './images.js';
import {
  emptyResponse,
  enterpriseProject,
  epQuery,
  integer,
  limit,
  listResponse,
  offset,
  projectParams,
  scopeOf,
  string,
} from './params.js';

/** Digests one task may cover: an is_all over a million rows is cut here (and says so in the task's total). */
export const MAX_TASK_DIGESTS = 100_000;

interface ImageInfo {
  id?: number;
  image_id?: string;
  image_digest?: string;
  registry_id?: string;
  namespace?: string;
  image_name?: string;
  image_version?: string;
}

/** `{ task_id }` of a scan task just recorded. */
export const taskIdResponse = {
  description: 'The scan task recorded (one scan job per digest)',
  type: 'object',
  properties: { task_id: string },
} as const;

const vulnerabilityInfo = {
  type: 'object',
  properties: {
    vul_id: { ...string, description: 'The CVE where one exists, else the advisory id' },
    repair_necessity: { ...string, enum: ['immediate_repair', 'delay_repair', 'not_needed_repair'] },
    severity: { ...string, enum: ['Critical', 'High', 'Medium', 'Low', 'Unknown'] },
    description: string,
    position: string,
    app_name: { ...string, description: 'The package' },
    app_path: string,
    version: string,
    solution: string,
    fixed_version: string,
    url: string,
    ids: { type: 'array', items: string, description: 'Every record id and alias behind the finding' },
  },
} as const;

const malwareInfo = {
  type: 'object',
  properties: {
    file_path: string,
    file_size: integer,
    hash_type: { ...string, enum: ['md5', 'sha1', 'sha256'] },
    file_hash: string,
    malware_name: string,
    source: { ...string, description: 'The hash list that named it' },
  },
} as const;

const checkInfo = {
  type: 'object',
  properties: {
    rule_id: string,
    severity: { ...string, enum: ['High', 'Medium', 'Low'] },
    description: string,
    position: string,
    evidence: string,
  },
} as const;

const imageQuery = {
  type: 'object',
  properties: {
    enterprise_project_id: enterpriseProject,
    namespace: { type: 'string', maxLength: 64 },
    image_name: { type: 'string', maxLength: 128 },
    tag_name: { type: 'string', maxLength: 64 },
    offset,
    limit: limit(10),
  },
} as const;

const vulnerabilityQuery = {
  ...imageQuery,
  properties: {
    ...imageQuery.properties,
    repair_necessity: { type: 'string', enum: ['immediate_repair', 'delay_repair', 'not_needed_repair'] },
    vul_id: { type: 'string', maxLength: 128 },
    app_name: { type: 'string', maxLength: 64 },
  },
} as const;

const imageParams = {
  type: 'object',
  required: ['project_id', 'image_id'],
  properties: { ...projectParams.properties, image_id: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

/** What every per-image route is given: the project, the image id, and which tag of it. */
interface ImageRequest {
  identity?: FastifyRequest['identity'];
  params: { project_id: string; image_id: string };
  query: { enterprise_project_id?: string; namespace?: string; image_name?: string; tag_name?: string };
}

export function registerScanRoutes(fastify: FastifyInstance, ctx: AppContext): void {
  const app = typed(fastify);
  app.post(
    '/image/image-scan/tasks',
    {
      config: { access: 'write' },
      schema: {
        summary: 'CreateManualImageScanTask',
        params: projectParams,
        querystring: epQuery,
        body: {
          type: 'object',
          properties: {
            is_all: { type: 'boolean' },
            scan_scope: { type: 'string', maxLength: 32 },
            rate_limit: { type: 'integer', minimum: 0, maximum: 100000 },
            image_info: {
              type: 'array',
              maxItems: 1000,
              items: {
                type: 'object',
                properties: {
                  id: { type: 'integer', minimum: 1 },
                  image_id: { type: 'string', maxLength: 128 },
                  image_digest: { type: 'string', maxLength: 128 },
                  registry_id: { type: 'string', maxLength: 64 },
                  namespace: { type: 'string', maxLength: 64 },
                  image_name: { type: 'string', maxLength: 128 },
                  image_version: { type: 'string', maxLength: 64 },
                },
              },
            },
            query_info: { type: 'object', properties: imageFilterProperties },
          },
        },
        response: { 200: taskIdResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const b = request.body ?? {};
      let targets: ScanTarget[];
      if (b.is_all) targets = await scanTargets(ctx.db, scope, {}, MAX_TASK_DIGESTS);
      else if (b.image_info?.length) targets = await targetsOf(ctx, scope, b.image_info);
      else if (b.query_info) targets = await scanTargets(ctx.db, scope, b.query_info, MAX_TASK_DIGESTS);
      else throw invalidParameter('give image_info, query_info or is_all');
      const task = await requestScans(ctx, scope, { taskType: 'manual', isAll: Boolean(b.is_all), targets });
      return { task_id: task.id };
    },
  );

  app.put(
    '/image/image-scan/tasks/:task_id/stop',
    {
      config: { access: 'write' },
      schema: {
        summary: 'StopImageScanTask',
        params: {
          type: 'object',
          required: ['project_id', 'task_id'],
          properties: { ...projectParams.properties, task_id: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        querystring: epQuery,
        response: { 200: emptyResponse('Stopped: its digests not yet scanned are not scanned for it') },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      if (!(await ctx.scanTasks.get(scope, request.params.task_id))) throw notFound(`task ${request.params.task_id}`);
      if (!(await ctx.scanTasks.stop(scope, request.params.task_id))) throw conflict('The task has already ended');
      return {};
    },
  );

  const resultOf = async (request: ImageRequest) => {
    const q = request.query;
    const row = await ctx.images.findRow(scopeOf(request), request.params.image_id, q);
    if (!row) throw notFound(`image ${request.params.image_id}`);
    return { row, result: await ctx.scanResults.get(row.image_digest) };
  };
  const page = <T>(query: { offset: number; limit: number }, items: T[]) => ({
    total_num: items.length,
    data_list: items.slice(query.offset, query.offset + query.limit),
  });
  const listOf = (description: string, item: object) => ({ description, ...listResponse(item) });

  app.get(
    '/image/:image_id/vulnerabilities',
    {
      config: { access: 'read' },
      schema: {
        summary: 'ListImageVulnerabilities',
        params: imageParams,
        querystring: vulnerabilityQuery,
        response: { 200: listOf('Vulnerabilities, most severe first', vulnerabilityInfo) },
      },
    },
    async (request) => {
      const q = request.query;
      const { row } = await resultOf(request);
      const { total, items } = await ctx.scanResults.vulnerabilities(
        row.image_digest,
        {
          ...(q.repair_necessity ? { severities: SEVERITIES_OF_REPAIR[q.repair_necessity] } : {}),
          ...(q.vul_id ? { idContains: q.vul_id } : {}),
          ...(q.app_name ? { packageName: q.app_name } : {}),
        },
        q,
      );
      return { total_num: total, data_list: items.map(vulnerabilityView) };
    },
  );

  app.get(
    '/image/:image_id/malwares',
    {
      config: { access: 'read' },
      schema: {
        summary: 'ListImageMalwares',
        params: imageParams,
        querystring: imageQuery,
        response: { 200: listOf('Malicious files (by hash)', malwareInfo) },
      },
    },
    async (request) => {
      const { result } = await resultOf(request);
      return page(request.query, (result?.malicious_files ?? []).map(malwareView));
    },
  );

  app.get(
    '/image/:image_id/sensitive',
    {
      config: { access: 'read' },
      schema: {
        summary: 'ListImageSensitiveFiles',
        params: imageParams,
        querystring: imageQuery,
        response: { 200: listOf('Sensitive files and secrets', checkInfo) },
      },
    },
    async (request) => {
      const { result } = await resultOf(request);
      return page(request.query, (result?.sensitive_files ?? []).map(checkView));
    },
  );

  app.get(
    '/image/:image_id/baseline/risk-configs',
    {
      config: { access: 'read' },
      schema: {
        summary: 'ListImageRiskConfigs (unsafe settings)',
        params: imageParams,
        querystring: imageQuery,
        response: { 200: listOf('Unsafe settings of the image', checkInfo) },
      },
    },
    async (request) => {
      const { result } = await resultOf(request);
      return page(request.query, (result?.unsafe_settings ?? []).map(checkView));
    },
  );

  app.get(
    '/image/:image_id/sbom',
    {
      config: { access: 'read' },
      schema: {
        summary: 'CycloneDX SBOM of the image (Regatta)',
        params: imageParams,
        querystring: imageQuery,
        response: {
          200: {
            description: 'A CycloneDX 1.5 JSON document',
            type: 'object',
            additionalProperties: true,
            properties: { bomFormat: string, specVersion: string },
          },
        },
      },
    },
    async (request) => {
      const { row, result } = await resultOf(request);
      if (!result) throw notFound(`a scan of image ${request.params.image_id}`);
      const reference = `${row.namespace ? `${row.namespace}/` : ''}${row.image_name}:${row.image_version}`;
      const [id, version] = (result.os ?? '').split(' ');
      return cycloneDx(
        { reference, digest: row.image_digest },
        result.packages,
        id ? { id, versionId: version ?? '' } : undefined,
      );
    },
  );
}

export async function targetsOf(ctx: AppContext, scope: Scope, infos: ImageInfo[]): Promise<ScanTarget[]> {
  const targets: ScanTarget[] = [];
  for (const info of infos) {
    const target = await ctx.images.scanTargetOf(scope, info);
    if (!target) throw notFound(`image ${JSON.stringify(info)}`);
    targets.push(target);
  }
  return targets;
}

const REPAIR: Record<Severity, string> = {
  Critical: 'immediate_repair',
  High: 'immediate_repair',
  Medium: 'delay_repair',
  Unknown: 'delay_repair',
  Low: 'not_needed_repair',
};
/** repair_necessity → the severities it stands for (REPAIR read backwards), for filtering in the store. */
const SEVERITIES_OF_REPAIR: Record<string, Severity[]> = {
  immediate_repair: ['Critical', 'High'],
  delay_repair: ['Medium', 'Unknown'],
  not_needed_repair: ['Low'],
};

function vulnerabilityView(v: VulnerabilityFinding) {
  return {
    vul_id: v.id,
    repair_necessity: REPAIR[v.severity] ?? 'delay_repair',
    severity: v.severity,
    description: v.summary,
    position: `/${v.package.path}`,
    app_name: v.package.name,
    app_path: `/${v.package.path}`,
    version: v.package.version,
    solution: v.fixedVersion
      ? `Upgrade ${v.package.name} to ${v.fixedVersion} or later`
      : 'No fixed version is known yet',
    fixed_version: v.fixedVersion ?? '',
    url: v.url,
    ids: v.ids,
  };
}

function malwareView(m: MaliciousFileFinding) {
  return {
    file_path: `/${m.path}`,
    file_size: m.size,
    hash_type: m.hash.type,
    file_hash: m.hash.value,
    malware_name: m.ioc.comment,
    source: m.ioc.list,
  };
}

function checkView(f: CheckFinding) {
  return {
    rule_id: f.rule,
    severity: f.severity,
    description: f.description,
    position: f.location,
    evidence: f.evidence ?? '',
  };
}

// ListRegistryImages (seed 003): every query parameter with its documented range, RegistryImagesInfo rows
// with association_images for multi-arch tags; the scan fields say what the digest's latest scan found.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { SCAN_FAILURES, type ScanFailure } from '../../scanning/errors.js';
import {
  IMAGE_TYPE_OF_REGISTRY,
  type ImageFilter,
  type ImageListRow,
  listImages,
  type PlatformRow,
} from '../../store/images-query.js';
import { typed } from '../typed.js';
import { invalidParameter } from './errors.js';
import {
  enterpriseProject,
  integer,
  limit,
  listResponse,
  millis,
  offset,
  projectParams,
  scopeOf,
  string,
} from './params.js';

const str = (min: number, max: number) => ({ type: 'string', minLength: min, maxLength: max }) as const;
const bool = { type: 'boolean' } as const;
const imageTypes = ['private_image', 'shared_image', 'instance_image', 'harbor', 'jfrog', 'other'];

/** The filters of ListRegistryImages (also CreateManualImageScanTask's query_info). */
export const imageFilterProperties = {
  namespace: str(1, 128),
  image_name: {
    ...str(1, 128),
    description: 'Regatta: matches names that begin with it (as the console search does); exact for a full name',
  },
  image_version: str(1, 64),
  registry_name: str(1, 128),
  image_type: { type: 'string', enum: imageTypes },
  latest_version: bool,
  image_size: {
    type: 'integer',
    minimum: 0,
    maximum: 2_147_483_547,
    description: 'Regatta: images of at least this many bytes (a lower bound, not an exact size)',
  },
  scan_status: { type: 'string', enum: ['unscan', 'success', 'scanning', 'failed', 'waiting_for_scan'] },
  start_latest_update_time: millis,
  end_latest_update_time: millis,
  start_latest_scan_time: millis,
  end_latest_scan_time: millis,
  start_latest_sync_time: millis,
  end_latest_sync_time: millis,
  has_malicious_file: bool,
  has_unsafe_setting: bool,
  has_vul: bool,
  risky: bool,
  instance_id: str(0, 128),
  instance_name: str(0, 128),
  is_multarch: bool,
  severity_level: { type: 'string', enum: ['Security', 'Low', 'Medium', 'High'] },
} as const;

/** AssociateImagesInfo (seed 003): one platform of a multi-arch tag, plus Regatta's platform fields. */
const associateImagesInfo = {
  type: 'object',
  required: ['id', 'image_id', 'image_name', 'image_version', 'image_type', 'namespace', 'image_digest', 'scan_status'],
  properties: {
    id: integer,
    image_id: string,
    image_name: string,
    image_version: string,
    image_type: string,
    namespace: string,
    image_digest: string,
    scan_status: string,
    vul_num: integer,
    unsafe_setting_num: integer,
    malicious_file_num: integer,
    os: { ...string, description: 'Regatta: the platform of this entry' },
    architecture: string,
    variant: string,
    image_size: integer,
    severity_level: { ...string, description: "Regatta: this platform's severity, after a completed scan" },
    scan_failed_code: { ...string, description: "Regatta: why this platform's latest scan failed" },
    scannable: { ...bool, description: 'Regatta: false for a platform the scanner cannot read' },
  },
} as const;

/** RegistryImagesInfo (seed 003), field for field; the native API shows image rows this way too. */
export const registryImagesInfo = {
  type: 'object',
  // Always answered; the others only when they apply (a failed scan, a multi-arch tag, a scanned digest).
  required: [
    'id',
    'namespace',
    'image_name',
    'image_id',
    'image_digest',
    'image_version',
    'image_type',
    'registry_id',
    'registry_name',
    'registry_type',
    'latest_version',
    'scan_status',
    'image_size',
    'latest_update_time',
    'latest_sync_time',
    'vul_num',
    'unsafe_setting_num',
    'malicious_file_num',
    'scannable',
    'is_multiple_arch',
  ],
  properties: {
    id: integer,
    namespace: string,
    image_name: string,
    image_id: string,
    image_digest: string,
    image_version: string,
    image_type: string,
    registry_id: string,
    registry_name: string,
    registry_type: string,
    latest_version: bool,
    scan_status: string,
    scan_failed_desc: string,
    scan_failed_code: string,
    image_size: integer,
    latest_update_time: integer,
    latest_scan_time: integer,
    latest_sync_time: integer,
    vul_num: integer,
    unsafe_setting_num: integer,
    malicious_file_num: integer,
    domain_name: { ...string, description: 'Owner of a shared SWR image: empty, Regatta holds no shared images' },
    shared_status: { ...string, description: 'Status of a shared SWR image (expired, effective): absent here' },
    scannable: bool,
    unscannable_reason: {
      ...string,
      description: 'Regatta: why scannable is false (not_a_container_image, image_over_sized, image_layer_over_sized)',
    },
    is_multiple_arch: bool,
    instance_name: string,
    instance_id: string,
    instance_url: string,
    severity_level: string,
    scan_stale: {
      type: 'boolean',
      description: "Regatta: the digest's latest scan failed; the counts and severity are of the last completed one",
    },
    signed: { type: 'boolean', description: 'Regatta: a signature (cosign, notation) refers to this digest here' },
    has_sbom: { type: 'boolean', description: 'Regatta: an SBOM (or an SBOM attestation) refers to this digest here' },
    signature_verified: {
      type: 'boolean',
      description: "Regatta: a signature checked against the project's trusted keys verified (absent: never checked)",
    },
    association_images: { type: 'array', items: associateImagesInfo },
  },
} as const;

const querystring = {
  type: 'object',
  properties: {
    enterprise_project_id: enterpriseProject,
    offset,
    limit: limit(1),
    sort_key: { type: 'string', enum: ['latest_scan_time'] },
    sort_dir: { type: 'string', enum: ['asc', 'desc'] },
    ...imageFilterProperties,
  },
} as const;

export function registerImageRoutes(app: FastifyInstance, ctx: AppContext): void {
  typed(app).get(
    '/image/registries/images',
    {
      config: { access: 'read' },
      schema: {
        summary: 'ListRegistryImages',
        params: projectParams,
        querystring,
        response: { 200: { description: 'Image rows, newest first', ...listResponse(registryImagesInfo) } },
      },
    },
    async (request) => {
      const q = request.query;
      checkRanges(q);
      const { total, rows } = await listImages(ctx.db, scopeOf(request), q);
      return { total_num: total, data_list: rows.map(toRegistryImagesInfo) };
    },
  );
}

/** The seed's start ≤ end constraints. */
function checkRanges(q: ImageFilter): void {
  for (const what of ['update', 'scan', 'sync'] as const) {
    const start = q[`start_latest_${what}_time`];
    const end = q[`end_latest_${what}_time`];
    if (start !== undefined && end !== undefined && start > end) {
      throw invalidParameter(`start_latest_${what}_time must be ≤ end_latest_${what}_time`);
    }
  }
}

/** A RegistryImagesInfo of seed 003 (plus Regatta's platform fields); the native API shows images this way too. */
export function toRegistryImagesInfo(r: ImageListRow) {
  const imageType = IMAGE_TYPE_OF_REGISTRY[r.registry_type] ?? 'other';
  return {
    id: Number(r.id),
    namespace: r.namespace,
    image_name: r.image_name,
    image_id: r.image_id,
    image_digest: r.image_digest,
    image_version: r.image_version,
    image_type: imageType,
    registry_id: r.registry_id,
    registry_name: r.registry_name,
    registry_type: r.registry_type,
    latest_version: r.latest_version,
    scan_status: r.scan_status,
    scan_failed_desc: r.scan_failed_code
      ? (SCAN_FAILURES[r.scan_failed_code as ScanFailure] ?? r.scan_failed_code)
      : undefined,
    scan_failed_code: r.scan_failed_code ?? undefined,
    image_size: Number(r.image_size),
    latest_update_time: Number(r.latest_update_time),
    latest_scan_time: r.latest_scan_time === null ? undefined : Number(r.latest_scan_time),
    latest_sync_time: Number(r.latest_sync_time),
    vul_num: r.vul_num,
    unsafe_setting_num: r.unsafe_setting_num,
    malicious_file_num: r.malicious_file_num,
    domain_name: '',
    scannable: r.scannable,
    unscannable_reason: r.unscannable_reason ?? undefined,
    is_multiple_arch: r.is_multiple_arch,
    instance_name: r.instance_name,
    instance_id: r.instance_id ?? '',
    instance_url: r.instance_url,
    severity_level: r.severity_level ?? undefined,
    scan_stale: r.scan_stale || undefined,
    signed: r.supply.signed,
    has_sbom: r.supply.sbom,
    signature_verified: r.supply.signature_verified ?? undefined,
    association_images: r.is_multiple_arch ? r.platforms.map((p) => platformEntry(r, p, imageType)) : undefined,
  };
}

/**
 * One platform of a multi-arch row (seed 003 AssociateImagesInfo): its own scan's status and counts (counts only
 * from a completed scan), else the tag's waiting or scanning state while its scan is on the way.
 */
function platformEntry(r: ImageListRow, p: PlatformRow, imageType: string) {
  const scan = p.scan;
  const completed = scan?.status === 'success';
  const pending = r.scan_status === 'waiting_for_scan' || r.scan_status === 'scanning';
  const status = !p.scannable
    ? 'unscan'
    : scan && !(pending && !completed)
      ? completed && !scan.stale
        ? 'success'
        : 'failed'
      : pending
        ? r.scan_status
        : 'unscan';
  return {
    id: Number(p.id),
    image_id: p.image_id,
    image_name: r.image_name,
    image_version: r.image_version,
    image_type: imageType,
    namespace: r.namespace,
    image_digest: p.image_digest,
    scan_status: status,
    vul_num: completed ? scan.vul_num : 0,
    unsafe_setting_num: completed ? scan.unsafe_setting_num : 0,
    malicious_file_num: completed ? scan.malicious_file_num : 0,
    // Regatta's own: which platform this entry is, and its verdict.
    os: p.os,
    architecture: p.architecture,
    variant: p.variant ?? undefined,
    image_size: Number(p.image_size),
    severity_level: completed ? (scan.severity_level ?? undefined) : undefined,
    scan_failed_code: status === 'failed' ? (scan?.failed_code ?? undefined) : undefined,
    scannable: p.scannable,
  };
}

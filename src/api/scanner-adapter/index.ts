// Regatta as a Harbor scanner: the pluggable scanner API v1.2 at /api/v1 (metadata, scan, scan/{id}/report), so a
// Harbor can register Regatta's URL as a scanner adapter. Harbor authenticates with `Authorization: Bearer
// <token>` (a Regatta token), names the artifact and hands over a registry authorization for it; the scan runs in
// this process (that authorization is never stored), its result is kept per digest like every other scan. A scan
// id carries its digest, so a report outlives a restart of the process that made it.
// https://github.com/goharbor/pluggable-scanner-spec
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../../app/context.js';
import { KIND_STATUS } from '../../errors.js';
import { RegistryClient } from '../../oci/client.js';
import type { RegistryCredentials } from '../../oci/credentials.js';
import { ScanError } from '../../scanning/errors.js';
import { type ScanReport, scanImage } from '../../scanning/scan.js';
import type { VulnerabilityFinding } from '../../scanning/vulndb/match.js';
import { resultRow, scanDatabases } from '../../services/scanning.js';
import { FacadeError, facadeErrorHandler } from '../errors.js';
import { typed } from '../typed.js';
import {
  errorSchema,
  MIME,
  metadata,
  metadataSchema,
  reportSchema,
  type ScanArtifact,
  scanResponseSchema,
  vulnerabilityReport,
} from './report.js';

type State =
  | { status: 'running' }
  | { status: 'done'; vulnerabilities: VulnerabilityFinding[]; at: Date }
  | { status: 'failed'; message: string };

const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** Seconds Harbor is told to wait before asking for a report again. */
const REFRESH_AFTER = 5;

/** An error in the adapter API's terms (status and message; the spec's body has no code). */
class AdapterError extends FacadeError {}

const tags = ['harbor-scanner'];

/** Every error of the adapter, in the spec's error MIME type. */
const errorResponse = { content: { [MIME.error]: { schema: errorSchema } } } as const;
const errorResponses = {
  '4xx': { description: 'Refused: unauthenticated, invalid, or no such scan', ...errorResponse },
  '5xx': { description: 'The scan failed, or an internal error', ...errorResponse },
} as const;

/**
 * The adapter sends its bodies with JSON.stringify (`send` below): the response schemas describe them in the
 * OpenAPI document and must not shape them (fast-json-stringify would drop undeclared fields).
 */
const serializerCompiler = () => (data: unknown) => JSON.stringify(data);

const scanRequestSchema = {
  type: 'object',
  required: ['registry', 'artifact'],
  properties: {
    registry: {
      type: 'object',
      required: ['url'],
      properties: {
        url: { type: 'string', minLength: 1, maxLength: 2048 },
        authorization: { type: 'string', maxLength: 8192 },
      },
    },
    artifact: {
      type: 'object',
      required: ['repository', 'digest'],
      properties: {
        repository: { type: 'string', minLength: 1, maxLength: 255 },
        digest: { type: 'string', pattern: DIGEST.source },
        tag: { type: 'string', maxLength: 128 },
        mime_type: { type: 'string', maxLength: 255 },
      },
    },
  },
} as const;

export async function registerScannerAdapter(
  app: FastifyInstance,
  ctx: AppContext,
  opts: { vulndb?: string },
): Promise<void> {
  const scans = new Map<string, { artifact: ScanArtifact; state: State }>();
  const loadedAt = new Date();
  // The spec's MIME types are sent as they are written (Fastify would quote `version` and add a charset).
  const send = (reply: FastifyReply, status: number, mime: string, body: unknown) =>
    reply.status(status).header('content-type', mime).serializer(JSON.stringify).send(body);
  const fail = (reply: FastifyReply, status: number, message: string) =>
    send(reply, status, MIME.error, { error: { message } });
  /** A scan still running: 302 without a body, Harbor asks again after Refresh-After seconds. */
  const later = (reply: FastifyReply) => reply.status(302).header('Refresh-After', String(REFRESH_AFTER)).send();

  // The one error seam (../errors.ts), rendered as the spec's error body.
  app.setErrorHandler(
    facadeErrorHandler({
      own: AdapterError,
      domain: (kind, e) => new AdapterError(KIND_STATUS[kind], e.code, e.message),
      refused: (status, message) => new AdapterError(status, 'BAD_REQUEST', message),
      internal: () => new AdapterError(500, 'INTERNAL', 'internal error'),
      send: (e, _request, reply) => void fail(reply, e.status, e.message),
    }),
  );

  typed(app).get(
    '/metadata',
    {
      config: { access: 'read' },
      schema: {
        tags,
        summary: 'GetMetadata',
        response: {
          200: {
            description: "The scanner's name, what it consumes and produces, and its advisory database",
            content: { [MIME.metadata]: { schema: metadataSchema } },
          },
          ...errorResponses,
        },
      },
      serializerCompiler,
    },
    async (_request, reply) => {
      const dbs = await scanDatabases(opts.vulndb);
      return send(reply, 200, MIME.metadata, metadata(dbs.version, loadedAt));
    },
  );

  typed(app).post(
    '/scan',
    {
      config: { access: 'write' },
      schema: {
        tags,
        summary: 'AcceptScanRequest',
        consumes: [MIME.scanRequest],
        body: scanRequestSchema,
        response: {
          202: {
            description: 'The scan is accepted and runs in the background: its id asks for the report',
            content: { [MIME.scanResponse]: { schema: scanResponseSchema } },
          },
          ...errorResponses,
        },
      },
      serializerCompiler,
    },
    async (request, reply) => {
      const { registry, artifact } = request.body;
      let url: URL;
      try {
        url = new URL(registry.url);
      } catch {
        return fail(reply, 422, `registry.url ${JSON.stringify(registry.url)} is not a URL`);
      }
      const id = scanIdFor(request.identity!.projectId, artifact.digest);
      scans.set(id, { artifact, state: { status: 'running' } });
      void runScan(url, registry.authorization, artifact).then(
        (report) =>
          scans.set(id, {
            artifact,
            state: { status: 'done', vulnerabilities: report.vulnerabilities, at: new Date() },
          }),
        (err: unknown) => scans.set(id, { artifact, state: { status: 'failed', message: describe(err) } }),
      );
      return send(reply, 202, MIME.scanResponse, { id });
    },
  );

  typed(app).get(
    '/scan/:id/report',
    {
      config: { access: 'read' },
      schema: {
        tags,
        summary: 'GetScanReport',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', description: 'The id AcceptScanRequest answered with' } },
        },
        response: {
          200: {
            description: 'The vulnerability report, in the MIME type the Accept header asks for (Harbor by default)',
            content: { [MIME.harborReport]: { schema: reportSchema }, [MIME.securityReport]: { schema: reportSchema } },
          },
          302: {
            description: 'The scan is still running: ask again after Refresh-After seconds',
            type: 'null',
            headers: { 'Refresh-After': { type: 'integer', description: 'Seconds to wait before asking again' } },
          },
          ...errorResponses,
        },
      },
      serializerCompiler,
    },
    async (request, reply) => {
      // An id is good only for the project that asked for the scan: another project's is "no such scan".
      const digest = digestOfScanId(request.identity!.projectId, request.params.id);
      const scan = digest ? (scans.get(request.params.id) ?? (await fromStore(digest))) : undefined;
      if (!scan) return fail(reply, 404, `no scan ${request.params.id}`);
      const { state, artifact } = scan;
      if (state.status === 'running') return later(reply);
      if (state.status === 'failed') return fail(reply, 500, state.message);
      const mime = String(request.headers.accept ?? '').includes('vnd.security.vulnerability.report')
        ? MIME.securityReport
        : MIME.harborReport;
      return send(reply, 200, mime, vulnerabilityReport(artifact, state.vulnerabilities, state.at));
    },
  );

  /**
   * A scan id: 16 random hex digits, a MAC binding them and the digest to the asking project (under the
   * installation's key, so it still checks after a restart), and the digest's hex. 98 characters: within Fastify's
   * path-parameter limit of 100.
   */
  function scanIdFor(projectId: string, digest: string): string {
    const nonce = randomBytes(8).toString('hex');
    const hex = digest.slice(7);
    return `${nonce}.${macOf(projectId, nonce, hex)}.${hex}`;
  }
  function macOf(projectId: string, nonce: string, hex: string): string {
    return ctx.secrets.mac('harbor-scan-id', `${projectId}\n${nonce}\n${hex}`).slice(0, 16);
  }
  /** The digest a scan id names, when the id was made for `projectId`. */
  function digestOfScanId(projectId: string, id: string): string | undefined {
    const m = /^([a-f0-9]{16})\.([a-f0-9]{16})\.([a-f0-9]{64})$/.exec(id);
    if (!m || !timingSafeEqual(Buffer.from(m[2]!), Buffer.from(macOf(projectId, m[1]!, m[3]!)))) return undefined;
    return `sha256:${m[3]}`;
  }

  /** A report of a scan made before a restart: its digest's stored result, when there is one. */
  async function fromStore(digest: string) {
    const stored = await ctx.scanResults.get(digest);
    if (stored?.status !== 'success') return undefined;
    const state: State = {
      status: 'done',
      vulnerabilities: (await ctx.scanResults.vulnerabilities(digest)).items,
      at: stored.scanned_at,
    };
    return { artifact: { repository: '', digest: stored.digest }, state };
  }

  async function runScan(url: URL, authorization: string | undefined, artifact: ScanArtifact): Promise<ScanReport> {
    const client = new RegistryClient(url.host, {
      credentials: credentialsOf(authorization),
      insecure: url.protocol === 'http:',
      userAgent: 'regatta-scanner-adapter',
    });
    const started = Date.now();
    try {
      const dbs = await scanDatabases(opts.vulndb);
      const manifest = await client.manifestGet(artifact.repository, artifact.digest);
      const report = await scanImage({ client, repository: artifact.repository, manifest }, dbs);
      await ctx.scanResults.save(resultRow(artifact.digest, report, dbs.version, Date.now() - started));
      return report;
    } finally {
      await client.close();
    }
  }
}

/** Harbor's `registry.authorization`: `Basic base64(user:password)` or `Bearer <token>`. */
export function credentialsOf(authorization: string | undefined): RegistryCredentials | undefined {
  if (!authorization) return undefined;
  const [scheme, value = ''] = authorization.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') return { registryToken: value };
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return undefined;
}

function describe(err: unknown): string {
  if (err instanceof ScanError) return `${err.code}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

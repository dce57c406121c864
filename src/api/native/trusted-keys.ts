// Signature trust through the native API (issue 15): the signers a project trusts, public keys and keyless
// identities with their trusted root (GET, POST, DELETE /api/v1/trusted-keys; admins change them), and a
// verification of one image's signatures against them (POST /api/v1/images/verify; its result is recorded and
// shown on the image's rows). A signer added re-decides the project's tasks a `signed_by` gate blocked.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.js';
import {
  DigestMismatchError,
  InvalidResponseError,
  NetworkError,
  RegistryError,
  UnsupportedFormatError,
} from '../../oci/errors.js';
import { isValidDigest, isValidRepository, isValidTag } from '../../oci/reference.js';
import { reopenBlocked, SIGNATURE_GATES } from '../../services/gates.js';
import { addTrustedKey, verifyImage } from '../../services/signatures.js';
import type { TrustedKeyRow } from '../../store/trusted-keys.js';
import { typed } from '../typed.js';
import { ApiError, badRequest, notFound } from './errors.js';
import { nativeScope } from './rules.js';
import { arrayOf, bool, describe, int, isoTime, noContent, nullableStr, str, view } from './schemas.js';

const tags = ['signatures'];
const keyName = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' } as const;
const keySchema = view({
  name: str,
  kind: { type: 'string', enum: ['key', 'keyless'] },
  fingerprint: str,
  public_key_pem: nullableStr,
  issuer: nullableStr,
  subject: nullableStr,
  created_at: isoTime,
});
const identityText = { type: 'string', minLength: 1, maxLength: 1024 } as const;
const verdictSchema = view({ name: str, fingerprint: str, verified: bool, signatures: int, detail: nullableStr });

// The trusted root is not shown back: it is large, and the fingerprint names it.
const keyView = (k: TrustedKeyRow) => ({
  name: k.name,
  kind: k.kind,
  fingerprint: k.fingerprint,
  public_key_pem: k.public_key_pem,
  issuer: k.issuer,
  subject: k.subject,
  created_at: k.created_at.toISOString(),
});

export function registerTrustedKeyRoutes(app: FastifyInstance, ctx: AppContext): void {
  typed(app).get(
    '/trusted-keys',
    {
      config: { access: 'read' },
      schema: {
        tags,
        summary: "The project's trusted signers (public keys and keyless identities, for cosign signatures)",
        response: { 200: describe('The keys, by name', view({ keys: arrayOf(keySchema) })) },
      },
    },
    async (request) => ({ keys: (await ctx.trustedKeys.list(nativeScope(request).projectId)).map(keyView) }),
  );

  typed(app).post(
    '/trusted-keys',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Trusts a public key or a keyless identity under a name',
        description:
          'Give `public_key_pem` (ECDSA P-256/P-384, Ed25519 or RSA ≥ 2048 bits; stored as canonical PEM) or ' +
          '`keyless`: the OIDC issuer and certificate subject (SAN) a keyless cosign signature must carry, both ' +
          'matched exactly, and the sigstore `trusted_root.json` (certificate authorities, transparency logs, ' +
          'CT logs) its certificate and log entry are checked against, as `cosign verify --trusted-root`. ' +
          'Anything else is refused with 400 INVALID_PARAMETER; a name the project already uses with 409 CONFLICT.',
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: keyName,
            public_key_pem: { type: 'string', minLength: 1, maxLength: 16384 },
            keyless: {
              type: 'object',
              required: ['issuer', 'subject', 'trusted_root'],
              additionalProperties: false,
              properties: { issuer: identityText, subject: identityText, trusted_root: { type: 'object' } },
            },
          },
        },
        response: { 201: describe('The key as stored', keySchema) },
      },
    },
    async (request, reply) => {
      const projectId = nativeScope(request).projectId;
      const { name, public_key_pem, keyless } = request.body;
      if ((public_key_pem === undefined) === (keyless === undefined)) {
        throw badRequest('give either public_key_pem or keyless');
      }
      const row = await addTrustedKey(
        ctx,
        projectId,
        name,
        keyless
          ? { keyless: { issuer: keyless.issuer, subject: keyless.subject, trustedRoot: keyless.trusted_root } }
          : { publicKeyPem: public_key_pem ?? '' },
      );
      // Images a signature gate refused for want of this key's signature are decided again.
      await reopenBlocked(ctx, { projectId, gates: SIGNATURE_GATES });
      return reply.status(201).send(keyView(row));
    },
  );

  typed(app).delete(
    '/trusted-keys/:name',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Stops trusting a key',
        params: { type: 'object', required: ['name'], properties: { name: keyName } },
        response: { 204: noContent('The key is no longer trusted') },
      },
    },
    async (request, reply) => {
      if (!(await ctx.trustedKeys.remove(nativeScope(request).projectId, request.params.name))) throw notFound('key');
      return reply.status(204).send(null);
    },
  );

  typed(app).post(
    '/images/verify',
    {
      config: { access: 'read' },
      schema: {
        tags,
        summary: "Verifies an image's cosign signatures against the project's trusted signers (or the named ones)",
        description:
          'The signatures under cosign’s `sha256-<hex>.sig` tag and the OCI 1.1 signature referrers, each checked ' +
          'over its payload, which must name the digest the reference resolves to: with a key, the signature ' +
          'alone; with a keyless identity, also its certificate, identity and transparency-log entry against the ' +
          'identity’s trusted root. The checks are recorded. An unknown signer, registry or image answers 404; a ' +
          'registry that cannot be read 502 REGISTRY_UNAVAILABLE.',
        body: {
          type: 'object',
          required: ['registry_id', 'repository', 'reference'],
          additionalProperties: false,
          properties: {
            registry_id: { type: 'string', format: 'uuid' },
            repository: { type: 'string', minLength: 1, maxLength: 255 },
            reference: { type: 'string', minLength: 1, maxLength: 128 },
            keys: { type: 'array', maxItems: 32, items: keyName },
          },
        },
        response: {
          200: describe(
            'The digest checked and each key verdict (verified when one of its signatures of the digest checks out)',
            view({ digest: str, verified: bool, keys: arrayOf(verdictSchema) }),
          ),
        },
      },
    },
    async (request) => {
      const scope = nativeScope(request);
      const { registry_id, repository, reference, keys } = request.body;
      if (!isValidRepository(repository)) throw badRequest(`repository: "${repository}" is not a repository name`);
      if (!isValidTag(reference) && !isValidDigest(reference)) throw badRequest('reference: a tag or a digest');
      if (keys) {
        const known = new Set((await ctx.trustedKeys.list(scope.projectId, keys)).map((k) => k.name));
        const unknown = keys.filter((k) => !known.has(k));
        if (unknown.length > 0) throw notFound(`trusted key ${unknown.join(', ')}`);
      }
      const registry = await ctx.registries.get(scope, registry_id);
      if (!registry) throw notFound('registry');
      const lease = await ctx.connectors.acquire(registry.id);
      if (!lease) throw notFound('registry');
      try {
        const client = lease.connector.client;
        // A tag is resolved by reading its manifest (the digest is then the bytes', not a header's word).
        const manifest = await fromRegistry(client.manifestGet(repository, reference));
        if (!manifest) throw notFound('image');
        const verdicts = await fromRegistry(
          verifyImage(ctx, {
            projectId: scope.projectId,
            registryId: registry.id,
            repository,
            digest: manifest.digest,
            client,
            ...(keys ? { keyNames: keys } : {}),
          }),
        );
        return { digest: manifest.digest, verified: (verdicts ?? []).some((v) => v.verified), keys: verdicts ?? [] };
      } finally {
        lease.release();
      }
    },
  );
}

/**
 * What `work` gives, undefined when the registry says what was asked for does not exist; any other failure of the
 * registry is a 502 naming its code (the registry could not be read: no verdict can be given).
 */
async function fromRegistry<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof RegistryError && err.isNotFound) return undefined;
    const registryFault =
      err instanceof RegistryError ||
      err instanceof NetworkError ||
      err instanceof InvalidResponseError ||
      err instanceof DigestMismatchError ||
      err instanceof UnsupportedFormatError;
    if (!registryFault) throw err;
    throw new ApiError(502, 'REGISTRY_UNAVAILABLE', `the registry could not be read: ${err.code}: ${err.message}`);
  }
}

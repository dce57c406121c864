// ACR (Alibaba Cloud RPC) error envelope: `{"RequestId", "HostId", "Code", "Message", "Recommend"}` with the HTTP
// status Alibaba uses. The SDKs read `Code` and `Message` (pop-core throws on any Code but "success"; openapi-client
// on any 4xx/5xx). Common codes: Alibaba's "Common error codes"; ACR's own (NoPrivilege, SystemError) from the
// seed 002 page; the *_NOT_EXIST codes follow ACR Enterprise's naming. See ../shared/research/api-surface.md §2.
import type { FastifyRequest } from 'fastify';
import { type DomainKind, KIND_STATUS, type RegattaError } from '../../errors.js';
import { SignatureError } from '../auth/signature-error.js';
import { FacadeError, facadeErrorHandler } from '../errors.js';

export class AcrError extends FacadeError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly recommend = '',
  ) {
    super(status, code, message);
  }
}

export const missingParameter = (name: string) =>
  new AcrError(
    400,
    'MissingParameter',
    `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
  );
export const invalidParameter = (name: string, why: string) =>
  new AcrError(400, 'InvalidParameter', `The specified parameter "${name}" is not valid: ${why}`);
export const notExist = (code: string, what: string) => new AcrError(404, code, `${what} does not exist.`);

/** Domain codes with an ACR code of their own; the rest take their kind's (KIND_CODE). */
const DOMAIN: Record<string, string> = { REGISTRY_DELETED: 'INSTANCE_NOT_EXIST', RULE_DELETED: 'SYNC_RULE_NOT_EXIST' };
const KIND_CODE: Record<DomainKind, string> = {
  invalid: 'InvalidParameter',
  unauthenticated: 'InvalidToken',
  // Alibaba RAM's refusal of an action the key's policy does not grant.
  forbidden: 'Forbidden.NoPermission',
  'not-found': 'ResourceNotFound',
  conflict: 'IncorrectStatus',
  'too-many': 'Throttling',
};

/** Signature failures, as Alibaba's gateway reports them. */
const SIGNATURE: Record<string, [number, string]> = {
  SIGNATURE_MISSING: [400, 'IncompleteSignature'],
  SIGNATURE_MALFORMED: [400, 'IncompleteSignature'],
  SIGNATURE_HEADERS_MISSING: [400, 'IncompleteSignature'],
  SIGNATURE_MISMATCH: [400, 'SignatureDoesNotMatch'],
  SIGNATURE_EXPIRED: [400, 'IllegalTimestamp'],
  SIGNATURE_NONCE_USED: [400, 'SignatureNonceUsed'],
};

const str = { type: 'string' } as const;

/** acrErrorBody's schema: the 4xx and 5xx answers of the ACR routes. */
export const acrErrorSchema = {
  description: "ACR's error envelope; the SDKs read Code and Message",
  type: 'object',
  properties: {
    RequestId: str,
    HostId: { type: 'string', description: 'The Host the request was sent to' },
    Code: { type: 'string', description: 'e.g. MissingParameter, InvalidParameter, SYNC_TASK_NOT_EXIST' },
    Message: str,
    Recommend: str,
  },
} as const;

export function acrErrorBody(request: FastifyRequest, e: AcrError) {
  return {
    RequestId: String(request.id),
    HostId: request.headers.host ?? '',
    Code: e.code,
    Message: e.message,
    Recommend: e.recommend,
  };
}

export const acrErrorHandler = facadeErrorHandler({
  own: AcrError,
  translate: (error) => {
    if (!(error instanceof SignatureError)) return undefined;
    const [status, code] = SIGNATURE[error.code] ?? [400, 'IncompleteSignature'];
    return new AcrError(status, code, `Signature check failed: ${error.message}`);
  },
  domain: (kind: DomainKind, e: RegattaError) =>
    new AcrError(KIND_STATUS[kind], DOMAIN[e.code] ?? KIND_CODE[kind], e.message),
  refused: (status, message) =>
    new AcrError(status, 'InvalidParameter', status === 413 ? 'The request body is too large.' : message),
  internal: () => new AcrError(500, 'SystemError', 'Unknown error.'),
  send: (e, request, reply) => void reply.status(e.status).send(acrErrorBody(request, e)),
});

// ACR (Alibaba Cloud RPC) error envelope: `{"RequestId", "HostId", "Code", "Message", "Recommend"}` with the HTTP
// status Alibaba uses. The SDKs read `Code` and `Message` (pop-core throws on any Code but "success"; openapi-client
// on any 4xx/5xx). Common codes: Alibaba's "Common error codes"; ACR's own (NoPrivilege, SystemError) from the
// seed 002 page; the *_NOT_EXIST codes follow ACR Enterprise's naming. See ../shared/research/api-surface.md §2.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { RegattaError } from '../../errors.js';
import { SignatureError } from '../auth/signature-error.js';
import { HssError } from '../hss/errors.js';

export class AcrError extends RegattaError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly recommend = '',
  ) {
    super(code, message);
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

/** Domain errors a caller can fix: their ACR code and status. */
const DOMAIN: Record<string, [number, string]> = {
  INVALID_RULE: [400, 'InvalidParameter'],
  REGISTRY_DELETED: [404, 'INSTANCE_NOT_EXIST'],
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

export function acrErrorBody(request: FastifyRequest, e: AcrError) {
  return {
    RequestId: String(request.id),
    HostId: request.headers.host ?? '',
    Code: e.code,
    Message: e.message,
    Recommend: e.recommend,
  };
}

export function acrErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const e = toAcrError(error);
  if (e.status >= 500) request.log.error({ err: error }, 'request failed');
  void reply.status(e.status).send(acrErrorBody(request, e));
}

function toAcrError(error: FastifyError | Error): AcrError {
  if (error instanceof AcrError) return error;
  if (error instanceof SignatureError) {
    const [status, code] = SIGNATURE[error.code] ?? [400, 'IncompleteSignature'];
    return new AcrError(status, code, `Signature check failed: ${error.message}`);
  }
  if (error instanceof HssError && error.status === 401) return new AcrError(401, 'InvalidToken', error.message);
  if (error instanceof RegattaError && DOMAIN[error.code]) {
    const [status, code] = DOMAIN[error.code]!;
    return new AcrError(status, code, error.message);
  }
  const fe = error as FastifyError;
  if (fe.statusCode === 413) return new AcrError(413, 'InvalidParameter', 'The request body is too large.');
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)
    return new AcrError(fe.statusCode, 'InvalidParameter', fe.message);
  return new AcrError(500, 'SystemError', 'Unknown error.');
}

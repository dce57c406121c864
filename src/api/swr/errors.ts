// SWR error envelope. Current SWR answers carry the new and the legacy fields together, and so do we:
//   {"errors": [{"errorCode", "errorMessage", "detail"}], "error_code", "error_msg",
//    "details": [{"error_code", "error_msg"}]}
// The Huawei SDK reads `error_code`/`error_msg`; older clients read `errors[0]`. `X-Request-Id` is on every answer.
// Codes: SWR API reference, "Error Codes"; see ../shared/research/api-surface.md §2.
import type { DomainKind, RegattaError } from '../../errors.js';
import { FacadeError, facadeErrorHandler } from '../errors.js';

export class SwrError extends FacadeError {}

export const invalidParameter = (message: string) =>
  new SwrError(400, 'SVCSTG.SWR.4000014', `Invalid parameter: ${message}`);
export const unauthenticated = (message: string) =>
  new SwrError(401, 'SVCSTG.SWR.4010000', `Authentication failed: ${message}`);
/** The caller's role or key does not allow it (SWR's "no permission" answer). */
export const forbidden = (message: string) => new SwrError(403, 'SVCSTG.SWR.4030000', `Forbidden: ${message}`);
export const namespaceNotFound = (message: string) => new SwrError(404, 'SVCSTG.SWR.4040058', message);
export const repositoryNotFound = (message: string) => new SwrError(404, 'SVCSTG.SWR.4040010', message);
/** No sync rule matches: SWR documents no code of its own for it; "list not found" is the nearest. */
export const syncRepoNotFound = (message: string) => new SwrError(404, 'SVCSTG.SWR.4040009', message);
export const alreadyExists = (message: string) => new SwrError(409, 'SVCSTG.SWR.4090006', message);

const str = { type: 'string' } as const;

/** swrErrorBody's schema, field for field in its order: the 4xx and 5xx answers of every SWR route. */
export const swrErrorSchema = {
  description: "SWR's error envelope: the new fields (errors) and the legacy ones (error_code, error_msg, details)",
  type: 'object',
  properties: {
    errors: {
      type: 'array',
      items: { type: 'object', properties: { errorCode: str, errorMessage: str, detail: str } },
    },
    error_code: str,
    error_msg: str,
    details: { type: 'array', items: { type: 'object', properties: { error_code: str, error_msg: str } } },
  },
} as const;

/** The 4xx and 5xx responses of an SWR route. */
export const swrErrorResponses = { '4xx': swrErrorSchema, '5xx': swrErrorSchema } as const;

/** The body SWR sends with an error, new and legacy fields together. */
export function swrErrorBody(code: string, message: string) {
  return {
    errors: [{ errorCode: code, errorMessage: message, detail: '' }],
    error_code: code,
    error_msg: message,
    details: [{ error_code: code, error_msg: '' }],
  };
}

function domainError(kind: DomainKind, e: RegattaError): SwrError {
  switch (kind) {
    case 'unauthenticated':
      return unauthenticated(e.message);
    case 'forbidden':
      return forbidden(e.message);
    case 'not-found':
      return e.code === 'NAMESPACE_NOT_FOUND' ? namespaceNotFound(e.message) : syncRepoNotFound(e.message);
    case 'conflict':
      return new SwrError(409, 'SVCSTG.SWR.4090006', e.message);
    case 'too-many':
      return new SwrError(429, 'SVCSTG.SWR.4290000', e.message);
    default:
      return invalidParameter(e.message);
  }
}

/** Maps every error of the SWR routes onto the envelope; details of 5xx go to the log, never to the caller. */
export const swrErrorHandler = facadeErrorHandler({
  own: SwrError,
  domain: domainError,
  refused: (status, message) =>
    status === 413
      ? new SwrError(413, 'SVCSTG.SWR.4131001', 'The request body is too large')
      : invalidParameter(message),
  internal: () => new SwrError(500, 'SVCSTG.SWR.5000007', 'Internal server error: the operation failed'),
  send: (e, _request, reply) => void reply.status(e.status).send(swrErrorBody(e.code, e.message)),
});

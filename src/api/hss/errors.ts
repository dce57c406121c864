// HSS error envelope: `{"error_code": "HSS.xxxx", "error_msg": "..."}` with the status HSS uses (400 even for
// not-found and denied, 500 for internal errors), and `X-Request-Id` on every response. Refused credentials are
// answered as Huawei's API gateway does (401, APIGW.0301 for a signature, APIGW.0307 for a token).
// Codes: HSS API reference, "Error Codes"; see ../shared/research/api-surface.md §2.
import { AuthError, type DomainKind, type RegattaError } from '../../errors.js';
import { FacadeError, facadeErrorHandler } from '../errors.js';

export class HssError extends FacadeError {}

export const invalidParameter = (message: string) => new HssError(400, 'HSS.0001', `Invalid parameter: ${message}`);
export const accessDenied = (message = 'Access denied') => new HssError(400, 'HSS.0010', message);
/** The caller's role, or its credential's project, does not allow the request: HSS.0010 with a 403. */
export const forbidden = (message: string) => new HssError(403, 'HSS.0010', `Access denied: ${message}`);
export const notFound = (what: string) => new HssError(400, 'HSS.0011', `Requested resource not found: ${what}`);
export const conflict = (message: string) => new HssError(400, 'HSS.1001', message);

function domainError(kind: DomainKind, e: RegattaError): HssError {
  switch (kind) {
    case 'unauthenticated': {
      const gateway = e instanceof AuthError && e.via === 'token' ? 'APIGW.0307' : 'APIGW.0301';
      return new HssError(401, gateway, e.message);
    }
    case 'forbidden':
      return forbidden(e.message);
    case 'not-found':
      return notFound(e.message);
    case 'conflict':
      return conflict(e.message);
    case 'too-many':
      return new HssError(429, 'APIGW.0308', e.message);
    default:
      return invalidParameter(e.message);
  }
}

/** Maps every error of the HSS routes onto the envelope; details of 5xx go to the log, never to the caller. */
export const hssErrorHandler = facadeErrorHandler({
  own: HssError,
  domain: domainError,
  refused: (status, message, code) => {
    if (code === 'FST_ERR_VALIDATION') return invalidParameter(message);
    if (status === 413) return new HssError(400, 'HSS.0002', 'Request body too large');
    return new HssError(400, 'HSS.0002', `Failed to parse the request: ${message}`);
  },
  internal: () => new HssError(500, 'HSS.0041', 'Internal server error'),
  send: (e, request, reply) => {
    const body: Record<string, string> = { error_code: e.code, error_msg: e.message };
    if (e.code.startsWith('APIGW.')) body.request_id = String(request.id);
    void reply.status(e.status).send(body);
  },
});

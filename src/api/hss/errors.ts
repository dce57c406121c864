// HSS error envelope: `{"error_code": "HSS.xxxx", "error_msg": "..."}` with the status HSS uses (400 even for
// not-found and denied, 500 for internal errors), and `X-Request-Id` on every response.
// Codes: HSS API reference, "Error Codes"; see ../shared/research/api-surface.md §2.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { RegattaError } from '../../oci/errors.js';

export class HssError extends RegattaError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super(code, message);
  }
}

export const invalidParameter = (message: string) => new HssError(400, 'HSS.0001', `Invalid parameter: ${message}`);
export const accessDenied = (message = 'Access denied') => new HssError(400, 'HSS.0010', message);
export const notFound = (what: string) => new HssError(400, 'HSS.0011', `Requested resource not found: ${what}`);
export const conflict = (message: string) => new HssError(400, 'HSS.1001', message);

/** API-gateway style authentication failures, as Huawei's gateway answers them (401, APIGW.xxxx). */
export const unauthenticated = (code: 'APIGW.0301' | 'APIGW.0307', message: string) => new HssError(401, code, message);

/** Maps every error of the HSS routes onto the envelope; details of 5xx go to the log, never to the caller. */
export function hssErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const e = toHssError(error);
  if (e.status >= 500) request.log.error({ err: error }, 'request failed');
  const body: Record<string, string> = { error_code: e.code, error_msg: e.message };
  if (e.code.startsWith('APIGW.')) body.request_id = String(request.id);
  void reply.status(e.status).send(body);
}

function toHssError(error: FastifyError | Error): HssError {
  if (error instanceof HssError) return error;
  const fe = error as FastifyError;
  if (fe.validation) return invalidParameter(fe.message);
  if (
    fe.statusCode === 400 ||
    fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ||
    fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
  ) {
    return new HssError(400, 'HSS.0002', `Failed to parse the request: ${fe.message}`);
  }
  if (fe.statusCode === 413) return new HssError(400, 'HSS.0002', 'Request body too large');
  return new HssError(500, 'HSS.0041', 'Internal server error');
}

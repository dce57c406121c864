// Errors of Regatta's own API (`/api/v1`): `{"code": "NOT_FOUND", "message": "...", "request_id": "..."}` with
// the HTTP status that says it (400, 401, 404, 409, 500). Codes are stable strings; match on `code`.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { RegattaError } from '../../errors.js';
import { HssError } from '../hss/errors.js';

export class ApiError extends RegattaError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super(code, message);
  }
}

export const badRequest = (message: string) => new ApiError(400, 'INVALID_PARAMETER', message);
export const notFound = (what: string) => new ApiError(404, 'NOT_FOUND', `${what} not found`);

/** Domain errors a caller can fix, and their status. */
const CALLER_ERRORS: Record<string, number> = { INVALID_RULE: 400, INVALID_REFERENCE: 400, REGISTRY_DELETED: 404 };

export function nativeErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const e = toApiError(error);
  if (e.status >= 500) request.log.error({ err: error }, 'request failed');
  void reply.status(e.status).send({ code: e.code, message: e.message, request_id: String(request.id) });
}

function toApiError(error: FastifyError | Error): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HssError && error.status === 401) return new ApiError(401, 'UNAUTHENTICATED', error.message);
  if (error instanceof RegattaError && CALLER_ERRORS[error.code]) {
    return new ApiError(CALLER_ERRORS[error.code]!, error.code, error.message);
  }
  const fe = error as FastifyError;
  if (fe.validation) return badRequest(fe.message);
  if (fe.statusCode === 413) return new ApiError(413, 'BODY_TOO_LARGE', 'request body too large');
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new ApiError(fe.statusCode, 'BAD_REQUEST', fe.message);
  }
  return new ApiError(500, 'INTERNAL_ERROR', 'internal server error');
}

// Errors of Regatta's own API (`/api/v1`): `{"code": "NOT_FOUND", "message": "...", "request_id": "..."}` with
// the HTTP status that says it (400, 401, 404, 409, 500). Codes are stable strings; match on `code`. Domain
// errors keep their own code (REGISTRY_DELETED …) with the status of their kind (src/errors.ts).
import { KIND_STATUS } from '../../errors.js';
import { FacadeError, facadeErrorHandler } from '../errors.js';

export class ApiError extends FacadeError {}

export const badRequest = (message: string) => new ApiError(400, 'INVALID_PARAMETER', message);
export const notFound = (what: string) => new ApiError(404, 'NOT_FOUND', `${what} not found`);

export const nativeErrorHandler = facadeErrorHandler({
  own: ApiError,
  domain: (kind, e) => new ApiError(KIND_STATUS[kind], e.code, e.message),
  refused: (status, message, code) => {
    if (code === 'FST_ERR_VALIDATION') return badRequest(message);
    if (status === 413) return new ApiError(413, 'BODY_TOO_LARGE', 'request body too large');
    return new ApiError(status, 'BAD_REQUEST', message);
  },
  internal: () => new ApiError(500, 'INTERNAL_ERROR', 'internal server error'),
  send: (e, request, reply) =>
    void reply.status(e.status).send({ code: e.code, message: e.message, request_id: String(request.id) }),
});

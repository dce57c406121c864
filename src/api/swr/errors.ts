// SWR error envelope. Current SWR answers carry the new and the legacy fields together, and so do we:
//   {"errors": [{"errorCode", "errorMessage", "detail"}], "error_code", "error_msg",
//    "details": [{"error_code", "error_msg"}]}
// The Huawei SDK reads `error_code`/`error_msg`; older clients read `errors[0]`. `X-Request-Id` is on every answer.
// Codes: SWR API reference, "Error Codes"; see ../shared/research/api-surface.md §2.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { RegattaError } from '../../errors.js';
import { HssError } from '../hss/errors.js';

export class SwrError extends RegattaError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super(code, message);
  }
}

export const invalidParameter = (message: string) =>
  new SwrError(400, 'SVCSTG.SWR.4000014', `Invalid parameter: ${message}`);
export const unauthenticated = (message: string) =>
  new SwrError(401, 'SVCSTG.SWR.4010000', `Authentication failed: ${message}`);
export const namespaceNotFound = (message: string) => new SwrError(404, 'SVCSTG.SWR.4040058', message);
export const repositoryNotFound = (message: string) => new SwrError(404, 'SVCSTG.SWR.4040010', message);
/** No sync rule matches: SWR documents no code of its own for it; "list not found" is the nearest. */
export const syncRepoNotFound = (message: string) => new SwrError(404, 'SVCSTG.SWR.4040009', message);
export const alreadyExists = (message: string) => new SwrError(409, 'SVCSTG.SWR.4090006', message);

/** The body SWR sends with an error, new and legacy fields together. */
export function swrErrorBody(code: string, message: string) {
  return {
    errors: [{ errorCode: code, errorMessage: message, detail: '' }],
    error_code: code,
    error_msg: message,
    details: [{ error_code: code, error_msg: '' }],
  };
}

/** Maps every error of the SWR routes onto the envelope; details of 5xx go to the log, never to the caller. */
export function swrErrorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const e = toSwrError(error);
  if (e.status >= 500) request.log.error({ err: error }, 'request failed');
  void reply.status(e.status).send(swrErrorBody(e.code, e.message));
}

function toSwrError(error: FastifyError | Error): SwrError {
  if (error instanceof SwrError) return error;
  // authenticate() speaks the API gateway's language; SWR callers get SWR's 401.
  if (error instanceof HssError && error.status === 401) return unauthenticated(error.message);
  const fe = error as FastifyError;
  if (fe.validation) return invalidParameter(fe.message);
  if (fe.statusCode === 413) return new SwrError(413, 'SVCSTG.SWR.4131001', 'The request body is too large');
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return invalidParameter(fe.message);
  return new SwrError(500, 'SVCSTG.SWR.5000007', 'Internal server error: the operation failed');
}

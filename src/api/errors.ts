// The one error seam of the HTTP facades. Every facade (native, HSS, SWR, ACR) installs `facadeErrorHandler`
// with its own renderer and codes; the order of translation is the same for all: the facade's own errors as
// they are, then domain errors by kind (src/errors.ts, DOMAIN_CODES), then what the framework refused (schema
// validation, unparsable or oversized bodies), and anything else as an internal error whose details go to the
// log and never to the caller. A domain error thus answers with the same status class everywhere.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type DomainKind, domainKind, RegattaError } from '../errors.js';

/** An error already in a facade's terms: its HTTP status, its code, its message. */
export class FacadeError extends RegattaError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super(code, message);
  }
}

export interface FacadeErrors<E extends FacadeError> {
  /** The facade's own error class: passed through unchanged. */
  own: abstract new (
    ...args: never[]
  ) => E;
  /** A domain error in the facade's codes (`error.code` is one of DOMAIN_CODES, of `kind`). */
  domain(kind: DomainKind, error: RegattaError): E;
  /** A request the framework refused: invalid by the route's schema (400), unparsable, or too large (413). */
  refused(status: number, message: string, frameworkCode: string | undefined): E;
  internal(): E;
  /** Facade-specific translations tried before the domain table (ACR's signature errors). */
  translate?(error: unknown): E | undefined;
  send(e: E, request: FastifyRequest, reply: FastifyReply): void;
}

export function facadeErrorHandler<E extends FacadeError>(spec: FacadeErrors<E>) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void => {
    const e = toFacadeError(spec, error);
    if (e.status >= 500) request.log.error({ err: error }, 'request failed');
    spec.send(e, request, reply);
  };
}

function toFacadeError<E extends FacadeError>(spec: FacadeErrors<E>, error: FastifyError | Error): E {
  if (error instanceof spec.own) return error;
  const translated = spec.translate?.(error);
  if (translated) return translated;
  const kind = domainKind(error);
  if (kind) return spec.domain(kind, error as RegattaError);
  const fe = error as FastifyError;
  if (fe.validation) return spec.refused(400, fe.message, fe.code);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)
    return spec.refused(fe.statusCode, fe.message, fe.code);
  return spec.internal();
}

// The base of every error Regatta raises on purpose, shared by all layers: a stable string `code` and a
// one-line message. Match on `code`, not on `instanceof` (as undici and Fastify advise for theirs).
//
// DOMAIN_STATUS is the one table from the codes the engines and services raise to what they mean to an API
// caller (Harbor's `codeMap` is the model): every facade renders them through its own envelope and codes
// (api/errors.ts), so one domain error answers with the same status class on the native API, HSS, SWR and ACR.

export class RegattaError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** What a domain error is to the caller: the kinds every facade has a code for. */
export type DomainKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not-found' | 'conflict' | 'too-many';

/** Domain codes a caller can act on, by kind; any other code is an internal error (500, details logged). */
export const DOMAIN_CODES = {
  // The caller's input cannot work.
  INVALID_PARAMETER: 'invalid',
  INVALID_RULE: 'invalid',
  INVALID_REFERENCE: 'invalid',
  INVALID_CONFIG: 'invalid',
  SIZE_INVALID: 'invalid',
  // Credentials refused (authentication throws AuthError with this code).
  UNAUTHENTICATED: 'unauthenticated',
  // Authenticated, but the caller's role in the project (or its credential's scope) does not allow it.
  FORBIDDEN: 'forbidden',
  // What the request names does not exist (any more).
  NOT_FOUND: 'not-found',
  REGISTRY_DELETED: 'not-found',
  RULE_DELETED: 'not-found',
  NAMESPACE_NOT_FOUND: 'not-found',
  // The state forbids it now (a task that has ended, an update already running).
  CONFLICT: 'conflict',
  TASK_ENDED: 'conflict',
  VULNDB_UPDATE_RUNNING: 'conflict',
  THROTTLED: 'too-many',
} as const satisfies Record<string, DomainKind>;

export type DomainCode = keyof typeof DOMAIN_CODES;

/** The HTTP status of each kind, on facades that use HTTP statuses (HSS answers 400 for all of its 4xx). */
export const KIND_STATUS: Record<DomainKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-many': 429,
};

/** The kind of `err` when it is a domain error a caller can act on, else undefined. */
export function domainKind(err: unknown): DomainKind | undefined {
  if (!(err instanceof RegattaError)) return undefined;
  return (DOMAIN_CODES as Record<string, DomainKind>)[err.code];
}

/**
 * Refused credentials, from the one authentication of every facade. `via` says which check refused them (a
 * token, or an AK/SK signature): HSS's gateway codes tell the two apart (APIGW.0307, APIGW.0301).
 */
export class AuthError extends RegattaError {
  constructor(
    readonly via: 'token' | 'signature',
    message: string,
  ) {
    super('UNAUTHENTICATED', message);
  }
}

/** An authenticated caller whose role or credential does not allow the request (api/auth/access.ts). */
export class ForbiddenError extends RegattaError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

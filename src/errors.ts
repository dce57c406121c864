// The base of every error Regatta raises on purpose, shared by all layers: a stable string `code` and a
// one-line message. Match on `code`, not on `instanceof` (as undici and Fastify advise for theirs).

export class RegattaError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

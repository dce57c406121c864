// Schema-first routes (issue 18): a route's request types come from its JSON schemas through the
// json-schema-to-ts type provider, so the validated shape and the handler's types cannot drift apart. Schemas
// are written `as const`; a property with a `default` is present in the handler (Ajv fills it in).
// https://fastify.dev/docs/latest/Reference/Type-Providers/
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';

export type TypedApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  JsonSchemaToTsProvider
>;

/** The app whose routes take their request types from their schemas. */
export function typed(app: FastifyInstance): TypedApp {
  return app.withTypeProvider<JsonSchemaToTsProvider>();
}

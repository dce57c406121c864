// Schema pieces the native routes share: scalar shapes of the views, the id path parameter, and `view()`, an
// object schema with every property required (a view always sets each field, null where there is nothing). The
// response schemas are what fast-json-stringify serializes with: a field not declared is dropped, so each view's
// schema names every field it returns (and says no other is sent).

export const str = { type: 'string' } as const;
export const int = { type: 'integer' } as const;
export const num = { type: 'number' } as const;
export const bool = { type: 'boolean' } as const;
export const nullableStr = { type: ['string', 'null'] } as const;
export const nullableInt = { type: ['integer', 'null'] } as const;
/** Times are sent as ISO 8601 text (the views convert their Dates). */
export const isoTime = { type: 'string', format: 'date-time' } as const;
export const nullableTime = { type: ['string', 'null'], format: 'date-time' } as const;
export const nullableStrings = { type: ['array', 'null'], items: str } as const;
export const syncTrigger = { type: 'string', enum: ['PASSIVE', 'INITIATIVE'] } as const;
/** A batch's selection: SELECTING while a rule run lists its images, then SELECTED or FAILED. */
export const batchSelection = { type: 'string', enum: ['SELECTING', 'SELECTED', 'FAILED'] } as const;

/**
 * `/:id` of a rule, task or batch: a uuid or an external id (crsr-…, rst-…). Any other text is looked up and not
 * found (404), as before the schema; 100 is Fastify's maxParamLength, past which no route is reached at all.
 */
export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 100 } },
} as const;

/** An object schema with exactly these properties: `properties` always set, `optional` only where they apply. */
export function view<
  const P extends Record<string, object>,
  const O extends Record<string, object> = Record<never, never>,
>(properties: P, optional?: O) {
  const required = Object.keys(properties) as (keyof P & string)[];
  return {
    type: 'object',
    required,
    additionalProperties: false,
    properties: { ...properties, ...optional } as P & O,
  } as const;
}

export const arrayOf = <const I extends object>(items: I) => ({ type: 'array', items }) as const;

/** A 204 answer: no body. */
export const noContent = (description: string) => ({ type: 'null', description }) as const;

/** A response schema with its OpenAPI description (every native answer documents one). */
export const describe = <const S extends object>(description: string, schema: S) =>
  ({ description, ...schema }) as const;

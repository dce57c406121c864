// How node-postgres turns column text into JS values, for every pool the store opens. PostgreSQL sends int8
// (count(*), sum(int), bigint ids and sizes) and numeric (sum(bigint), avg) as text and node-postgres keeps
// them as strings; the schema types them as numbers, so they are parsed here. The overrides are per pool
// (`types` option), not global: other pg users in the process (pg-boss's own pool) keep the defaults.
// timestamptz already arrives as Date. Both engines talk to the same driver, so they parse alike.
import pg from 'pg';

const INT8 = 20;
const NUMERIC = 1700;
const INT8_ARRAY = 1016;

/** int8 text → number; throws (failing the query, not corrupting a value) beyond ±2^53. */
export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} does not fit a JS number`);
  return n;
}

type Nested<T> = T | null | Nested<T>[];

function mapNested(value: Nested<string>): Nested<number> {
  if (value === null) return null;
  return Array.isArray(value) ? value.map(mapNested) : parseInt8(value);
}

/** The type parsers of every Regatta pool: int8, int8[] and numeric as numbers. */
export function storeTypes(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8, parseInt8);
  types.setTypeParser(NUMERIC, Number.parseFloat);
  // pg-types' own int8[] parser (strings, nested, with nulls); its typings only list scalar type ids.
  const builtin = pg.types.getTypeParser as unknown as (oid: number) => (text: string) => Nested<string>;
  const int8Array = builtin(INT8_ARRAY);
  types.setTypeParser(INT8_ARRAY, (text: string) => mapNested(int8Array(text)));
  return types;
}

// The OSV record shape Regatta relies on, checked with zod at import, at update and at load: a record that is
// well-formed JSON but has the wrong types (an `introduced` that is an object, a `ranges` that is a string) is
// skipped and counted instead of failing every scan of its package later. Fields Regatta never reads are let
// through unchecked; `details` (long prose) is dropped to keep the in-memory database small.
// https://ossf.github.io/osv-schema/
import { z } from 'zod';

const text = z.string().max(4096);
const eventSchema = z
  .object({ introduced: text, fixed: text, last_affected: text, limit: text })
  .partial()
  .refine((e) => Object.values(e).filter((v) => v !== undefined).length === 1, 'an event has exactly one version');

const affectedSchema = z.object({
  package: z.object({ ecosystem: text, name: text, purl: text.optional() }).optional(),
  ranges: z.array(z.object({ type: text, events: z.array(eventSchema).max(10_000) })).optional(),
  versions: z.array(text).max(100_000).optional(),
  ecosystem_specific: z.record(z.string(), z.unknown()).optional(),
  database_specific: z.record(z.string(), z.unknown()).optional(),
});

export const osvRecordSchema = z.object({
  id: z.string().min(1).max(256),
  modified: text,
  withdrawn: text.optional(),
  aliases: z.array(text).max(1000).optional(),
  summary: z.string().max(100_000).optional(),
  affected: z.array(affectedSchema).max(10_000),
  severity: z
    .array(z.object({ type: text, score: text }))
    .max(100)
    .optional(),
  references: z
    .array(z.object({ type: text, url: z.string().max(8192) }))
    .max(10_000)
    .optional(),
  database_specific: z.record(z.string(), z.unknown()).optional(),
});

export type OsvRecordChecked = z.infer<typeof osvRecordSchema>;

/** The record in `text`, or undefined when it is not JSON or not an OSV record Regatta can use. */
export function parseOsvRecord(json: string): OsvRecordChecked | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  const r = osvRecordSchema.safeParse(raw);
  return r.success ? r.data : undefined;
}

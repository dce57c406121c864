// How commands speak: human text on a terminal, one JSON document with --json, and one-line errors.
import { RegattaError } from '../oci/errors.js';

export interface OutputOptions {
  json?: boolean;
  quiet?: boolean;
}

/**
 * A failure the command has already reported in full (its JSON document or its list of failed items): main() still
 * prints the one-line reason on stderr and exits 1, but adds no second JSON document to stdout.
 */
export class ReportedError extends RegattaError {}

/** Prints `value` as JSON, or `text()` for people. */
export function print(opts: OutputOptions, value: unknown, text: () => string): void {
  if (opts.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else if (!opts.quiet) process.stdout.write(`${text()}\n`);
}

/** The one line a failed command leaves on stderr: `regatta: CODE: message`. */
export function describeError(err: unknown): { code: string; message: string } {
  if (err instanceof RegattaError || (err instanceof Error && typeof (err as { code?: unknown }).code === 'string')) {
    const e = err as Error & { code: string };
    return { code: e.code, message: e.message.split('\n')[0] ?? '' };
  }
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

/** Human-readable byte counts (binary units, as registries and docker show them). */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

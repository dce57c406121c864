// Bounded reading of response bodies: error bodies, manifests and JSON lists are read into memory, but never
// more than a limit, so a misbehaving registry cannot exhaust memory.
import type { Readable } from 'node:stream';
import { InvalidResponseError, type RegistryDiagnostic } from './errors.js';

/** Error bodies: go-containerregistry's `CheckError` reads at most 64 KiB too. */
const ERROR_BODY_LIMIT = 64 * 1024;
/** Manifests: the distribution spec lets registries refuse more than 4 MiB; leave headroom. */
export const MANIFEST_LIMIT = 8 * 1024 * 1024;

/** Reads the whole body into memory; throws INVALID_RESPONSE beyond `limit` bytes. */
export async function readBounded(body: Readable, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw new InvalidResponseError(what, `larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Parses `{"errors":[{code,message,detail}]}`; anything else becomes no diagnostics. */
export async function readErrorBody(body: Readable): Promise<RegistryDiagnostic[]> {
  let raw: Buffer;
  try {
    raw = await readBounded(body, ERROR_BODY_LIMIT, 'error body');
  } catch {
    return [];
  }
  try {
    const json = JSON.parse(raw.toString('utf8')) as { errors?: unknown };
    if (!Array.isArray(json.errors)) return [];
    return json.errors
      .filter((e): e is RegistryDiagnostic => typeof e === 'object' && e !== null && typeof e.code === 'string')
      .map((e) => ({ code: e.code, message: typeof e.message === 'string' ? e.message : undefined, detail: e.detail }));
  } catch {
    return [];
  }
}

/** Parses a JSON document read with `readBounded`. */
export function parseJson(raw: Buffer, what: string): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InvalidResponseError(what, 'body is not JSON');
  }
}

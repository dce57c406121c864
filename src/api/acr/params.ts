// RPC parameters: query and form body merged (pop-core POSTs everything as a form, its GET and openapi-client put
// it in the query), read through typed accessors that answer MissingParameter / InvalidParameter by name.
import type { FastifyRequest } from 'fastify';
import { invalidParameter, missingParameter } from './errors.js';

/** Longest value any parameter may carry: every ACR parameter is a name, an id, a tag or a short pattern. */
const MAX_VALUE = 1024;

/** The request's parameters; a key given twice keeps its first value, as the signature canonicalises it. */
export function rpcParams(request: FastifyRequest): Map<string, string> {
  const params = new Map<string, string>();
  const raw = request.raw.url ?? '';
  const q = raw.indexOf('?');
  const add = (source: string) => {
    for (const [k, v] of new URLSearchParams(source)) if (!params.has(k)) params.set(k, v);
  };
  if (q >= 0) add(raw.slice(q + 1));
  if (typeof request.body === 'string') add(request.body);
  return params;
}

export class RpcParams {
  constructor(private readonly map: ReadonlyMap<string, string>) {}

  optional(name: string): string | undefined {
    const v = this.map.get(name);
    if (v === undefined || v === '') return undefined;
    if (v.length > MAX_VALUE) throw invalidParameter(name, `longer than ${MAX_VALUE} characters`);
    return v;
  }

  required(name: string): string {
    const v = this.optional(name);
    if (v === undefined) throw missingParameter(name);
    return v;
  }

  /** An integer in [min, max]; `fallback` when absent. */
  int(name: string, range: { min: number; max: number }, fallback: number): number {
    const v = this.optional(name);
    if (v === undefined) return fallback;
    const n = /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
      throw invalidParameter(name, `must be an integer from ${range.min} to ${range.max}`);
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.optional(name);
    if (v === undefined) return fallback;
    if (v === 'true' || v === 'false') return v === 'true';
    throw invalidParameter(name, 'must be true or false');
  }

  oneOf<T extends string>(name: string, values: readonly T[], fallback?: T): T {
    const v = this.optional(name);
    if (v === undefined) {
      if (fallback === undefined) throw missingParameter(name);
      return fallback;
    }
    if (!values.includes(v as T)) throw invalidParameter(name, `must be one of ${values.join(', ')}`);
    return v as T;
  }
}

/** PageNo / PageSize as ACR list actions take them (PageSize default 30, at most 100). */
export function paging(p: RpcParams): { pageNo: number; pageSize: number; offset: number } {
  const pageNo = p.int('PageNo', { min: 1, max: 1_000_000 }, 1);
  const pageSize = p.int('PageSize', { min: 1, max: 100 }, 30);
  return { pageNo, pageSize, offset: (pageNo - 1) * pageSize };
}

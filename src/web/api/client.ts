// The console's one way to call the server: same origin, the signed-in token in X-Auth-Token, the chosen project
// in X-Project-Id (on every call: the native API reads it, HSS has it in its path too), JSON in and out. Errors of every facade (native {code, message}, HSS {error_code, error_msg}) become one ApiError the pages show.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface Client {
  /** The project chosen (X-Project-Id, and the HSS paths /v5/{project_id}/...); '' when the caller has none. */
  projectId: string;
  get<T>(path: string, query?: Query): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** A file download (e.g. an SBOM) with the token, saved by the browser under `filename`. */
  download(path: string, filename: string): Promise<void>;
}

export function urlOf(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function call<T>(
  token: string | undefined,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(token === undefined ? {} : { 'x-auth-token': token }),
      ...headers,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

async function errorOf(res: Response): Promise<ApiError> {
  const requestId = res.headers.get('x-request-id') ?? undefined;
  try {
    const e = (await res.json()) as Record<string, unknown>;
    const code = String(e.code ?? e.error_code ?? e.Code ?? `HTTP_${res.status}`);
    const message = String(e.message ?? e.error_msg ?? e.Message ?? res.statusText);
    return new ApiError(res.status, code, message, requestId);
  } catch {
    return new ApiError(res.status, `HTTP_${res.status}`, res.statusText, requestId);
  }
}

/** A name-and-password sign-in (POST /api/v1/session): a console session token, used as any other token. */
export function openSession(name: string, password: string): Promise<{ token: string; expires_at: string }> {
  return call(undefined, 'POST', '/api/v1/session', { name, password });
}

export function makeClient(token: string, projectId: string): Client {
  const headers: Record<string, string> = projectId ? { 'x-project-id': projectId } : {};
  return {
    projectId,
    get: (path, query) => call(token, 'GET', urlOf(path, query), undefined, headers),
    send: (method, path, body) => call(token, method, path, body, headers),
    download: async (path, filename) => {
      const res = await fetch(path, { headers: { 'x-auth-token': token, ...headers } });
      if (!res.ok) throw await errorOf(res);
      const href = URL.createObjectURL(await res.blob());
      const a = Object.assign(document.createElement('a'), { href, download: filename });
      a.click();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
    },
  };
}

/** The HSS path of the caller's project. */
export const hss = (client: Client, path: string) => `/v5/${encodeURIComponent(client.projectId)}${path}`;

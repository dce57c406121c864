// The console's one way to call the server: same origin, the signed-in token in X-Auth-Token, JSON in and out.
// Errors of every facade (native {code, message}, HSS {error_code, error_msg}) become one ApiError the pages show.

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
  /** The project of the token, for the HSS paths (/v5/{project_id}/...). */
  projectId: string;
  get<T>(path: string, query?: Query): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
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

export async function call<T>(token: string, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: {
      'x-auth-token': token,
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

export function makeClient(token: string, projectId: string): Client {
  return {
    projectId,
    get: (path, query) => call(token, 'GET', urlOf(path, query)),
    send: (method, path, body) => call(token, method, path, body),
    download: async (path, filename) => {
      const res = await fetch(path, { headers: { 'x-auth-token': token } });
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

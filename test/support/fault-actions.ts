// What the fault proxy does to one request: forward it to the target (streaming both bodies, Host unchanged),
// optionally slowed down or cut off halfway, or answer it with an error, or drop the connection.
import { type Agent, type IncomingHttpHeaders, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { pipeline, Transform } from 'node:stream';

/** Hop-by-hop headers that belong to one connection; Node frames each side itself. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade'];

const SLOW_HEADER_DELAY_MS = 100;
const SLOW_CHUNK_DELAY_MS = 20;
const SLOW_BUDGET_MS = 1000;

export type ForwardMode = 'pass' | 'slow' | 'truncate';

function stripHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out = { ...headers };
  for (const name of HOP_BY_HOP) delete out[name];
  return out;
}

function hasRequestBody(req: IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/** Discards an unread request body, and closes the connection after the response so no upload lingers. */
function discardBody(req: IncomingMessage, res: ServerResponse): void {
  if (!hasRequestBody(req)) return;
  res.setHeader('Connection', 'close');
  req.resume();
}

/** Drops the connection without any response (a TCP reset). */
export function resetConnection(req: IncomingMessage): void {
  req.socket.resetAndDestroy();
}

const ERROR_BODIES: Record<number, { code: string; message: string }> = {
  429: { code: 'TOOMANYREQUESTS', message: 'fault proxy: too many requests' },
  500: { code: 'UNKNOWN', message: 'fault proxy: internal server error' },
  502: { code: 'UNKNOWN', message: 'fault proxy: bad gateway' },
  503: { code: 'UNAVAILABLE', message: 'fault proxy: service unavailable' },
};

/** Answers with `status` and a Distribution JSON error body (429 also with Retry-After). */
export function respondError(req: IncomingMessage, res: ServerResponse, status: number, retryAfter: number): void {
  discardBody(req, res);
  const error = ERROR_BODIES[status] ?? { code: 'UNKNOWN', message: `fault proxy: ${status}` };
  const body = JSON.stringify({ errors: [error] });
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  if (status === 429) res.setHeader('Retry-After', String(retryAfter));
  res.writeHead(status).end(body);
}

/** Delays every chunk a little, within a total budget (the header delay counts too). */
function slowTransform(): Transform {
  let spent = SLOW_HEADER_DELAY_MS;
  return new Transform({
    transform(chunk, _encoding, callback) {
      const delay = Math.min(SLOW_CHUNK_DELAY_MS, SLOW_BUDGET_MS - spent);
      if (delay <= 0) return callback(null, chunk);
      spent += delay;
      setTimeout(() => callback(null, chunk), delay);
    },
  });
}

/** Bytes of the body to send before cutting, or undefined when the response has no body to cut. */
function truncateLimit(req: IncomingMessage, up: IncomingMessage): number | undefined {
  if (req.method === 'HEAD' || up.statusCode === 204 || up.statusCode === 304) return undefined;
  const length = Number(up.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(length)) return length >= 2 ? Math.floor(length / 2) : undefined;
  return up.headers['transfer-encoding'] ? 0 : undefined;
}

/** Sends the upstream body up to `limit` bytes, then destroys both connections. */
function sendTruncated(up: IncomingMessage, res: ServerResponse, limit: number): void {
  let sent = 0;
  const cut = () => {
    up.destroy();
    res.socket?.destroy();
  };
  up.on('end', cut);
  up.on('data', (chunk: Buffer) => {
    const room = limit - sent;
    if (chunk.length < room) {
      sent += chunk.length;
      if (!res.write(chunk)) up.pause();
      return;
    }
    up.pause();
    up.removeAllListeners('data');
    res.write(chunk.subarray(0, room), cut);
  });
  res.on('drain', () => up.resume());
}

/**
 * Forwards `req` to `target` (http://127.0.0.1:P) keeping its Host header, and streams the response back.
 * `record` learns what was done: the mode, or 'passed' when a truncate found no body to cut.
 */
export function forward(
  req: IncomingMessage,
  res: ServerResponse,
  target: URL,
  agent: Agent,
  mode: ForwardMode,
  record: (outcome: 'passed' | 'slow' | 'truncate') => void,
): void {
  const upstream = request({
    host: target.hostname,
    port: target.port,
    method: req.method,
    path: req.url,
    headers: stripHopByHop(req.headers),
    agent,
  });
  upstream.on('response', (up) => {
    const limit = mode === 'truncate' ? truncateLimit(req, up) : undefined;
    record(mode === 'pass' || (mode === 'truncate' && limit === undefined) ? 'passed' : mode);
    const send = () => {
      if (res.destroyed) return up.destroy();
      res.writeHead(up.statusCode ?? 502, stripHopByHop(up.headers));
      if (limit !== undefined) {
        res.flushHeaders(); // the headers go out even when the cut comes before any body byte
        return sendTruncated(up, res, limit);
      }
      if (mode === 'slow') return pipeline(up, slowTransform(), res, () => {});
      pipeline(up, res, () => {});
    };
    if (mode === 'slow') setTimeout(send, SLOW_HEADER_DELAY_MS);
    else send();
  });
  upstream.on('error', () => {
    if (!res.headersSent) respondError(req, res, 502, 1);
    else res.destroy();
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  pipeline(req, upstream, () => {});
}

// A fault-injecting HTTP proxy in front of a test registry: forwards everything (streaming, Host unchanged so the
// registry's upload Locations point back at the proxy) and, with probability `rate`, gives a request one fault:
// a reset connection, a 429/500/502/503, a slow response or a response cut off halfway.
import { Agent, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { forward, resetConnection, respondError } from './fault-actions.js';
import { LOOPBACK, listen } from './ports.js';

export type FaultKind = 'reset' | '429' | '500' | '502' | '503' | 'slow' | 'truncate';
export const ALL_FAULTS: readonly FaultKind[] = ['reset', '429', '500', '502', '503', 'slow', 'truncate'];

export interface FaultProxyOptions {
  /** The registry, e.g. `http://127.0.0.1:P`. */
  target: string;
  /** Probability (0..1) that an eligible request gets a fault. */
  rate: number;
  /** Faults to choose from, uniformly (default: all). */
  faults?: FaultKind[];
  /** Retry-After of 429 answers, in seconds (default 1). */
  retryAfterSeconds?: number;
  /** Makes the fault sequence reproducible. */
  seed?: number;
  /** Only requests it returns true for may get a fault; `path` is the request target with its query. */
  match?: (method: string, path: string) => boolean;
}

export interface FaultProxy {
  /** `127.0.0.1:PORT` */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** How many requests got each fault, and how many passed untouched. */
  stats: Record<FaultKind | 'passed', number>;
  setRate(rate: number): void;
  stop(): Promise<void>;
}

/** mulberry32: a small seeded PRNG giving floats in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function emptyStats(): Record<FaultKind | 'passed', number> {
  return { reset: 0, '429': 0, '500': 0, '502': 0, '503': 0, slow: 0, truncate: 0, passed: 0 };
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(opts.target);
  const faults = opts.faults?.length ? opts.faults : ALL_FAULTS;
  const random = opts.seed === undefined ? Math.random : seededRandom(opts.seed);
  const retryAfter = opts.retryAfterSeconds ?? 1;
  const agent = new Agent({ keepAlive: true });
  const stats = emptyStats();
  const sockets = new Set<Socket>();
  let rate = opts.rate;

  const pick = (method: string, path: string): FaultKind | undefined => {
    if (opts.match && !opts.match(method, path)) return undefined;
    if (random() >= rate) return undefined;
    return faults[Math.floor(random() * faults.length)];
  };

  const server = createServer((req, res) => {
    const fault = pick(req.method ?? 'GET', req.url ?? '/');
    const record = (outcome: FaultKind | 'passed') => stats[outcome]++;
    if (fault === 'reset') {
      record('reset');
      return resetConnection(req);
    }
    if (fault === '429' || fault === '500' || fault === '502' || fault === '503') {
      record(fault);
      return respondError(req, res, Number(fault), retryAfter);
    }
    forward(req, res, target, agent, fault ?? 'pass', record);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  server.unref(); // a forgotten proxy must not keep the test process alive

  return {
    host: `${LOOPBACK}:${port}`,
    url: `http://${LOOPBACK}:${port}`,
    stats,
    setRate(r: number) {
      rate = Math.min(1, Math.max(0, r));
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await closed;
    },
  };
}

// Content digests: `algorithm:hex`, checked on every manifest and blob before use or push.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md#digests
import { createHash, type Hash } from 'node:crypto';
import { DigestMismatchError, RegattaError } from './errors.js';

const SUPPORTED = { sha256: 64, sha512: 128 } as const;
type Algorithm = keyof typeof SUPPORTED;

/** Splits and checks a digest; throws INVALID_DIGEST for anything we could not verify. */
export function parseDigest(digest: string): { algorithm: Algorithm; hex: string } {
  const [algorithm, hex] = digest.split(':', 2) as [string, string | undefined];
  const length = SUPPORTED[algorithm as Algorithm];
  if (!length || !hex || hex.length !== length || !/^[a-f0-9]+$/.test(hex)) {
    throw new RegattaError('INVALID_DIGEST', `invalid or unsupported digest "${digest}"`);
  }
  return { algorithm: algorithm as Algorithm, hex };
}

/** Digest of bytes held in memory (manifests, configs). */
export function digestOf(data: Uint8Array, algorithm: Algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/** Throws DIGEST_INVALID unless `data` hashes to `expected`. */
export function verifyBytes(what: string, data: Uint8Array, expected: string): void {
  const { algorithm } = parseDigest(expected);
  const actual = digestOf(data, algorithm);
  if (actual !== expected) throw new DigestMismatchError(what, expected, actual);
}

/**
 * Hashes bytes as they stream past and checks digest and size at the end, so bytes that do not match the
 * descriptor are never reported complete.
 */
export class StreamVerifier {
  private readonly hash: Hash;
  private readonly algorithm: Algorithm;
  bytes = 0;

  constructor(
    readonly expected: string,
    readonly expectedSize?: number,
  ) {
    this.algorithm = parseDigest(expected).algorithm;
    this.hash = createHash(this.algorithm);
  }

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (this.expectedSize !== undefined && this.bytes > this.expectedSize) {
      throw new DigestMismatchError(`blob ${this.expected}`, `${this.expectedSize} bytes`, `more`);
    }
  }

  /** Throws DIGEST_INVALID when the stream was not exactly what the descriptor promised. */
  verify(): void {
    if (this.expectedSize !== undefined && this.bytes !== this.expectedSize) {
      throw new DigestMismatchError(`blob ${this.expected}`, `${this.expectedSize} bytes`, `${this.bytes} bytes`);
    }
    const actual = `${this.algorithm}:${this.hash.digest('hex')}`;
    if (actual !== this.expected) throw new DigestMismatchError('blob', this.expected, actual);
  }
}

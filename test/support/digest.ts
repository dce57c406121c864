// Content digests as the Distribution API spells them ("sha256:<hex>"), for buffers and for streamed data.
import { createHash, type Hash } from 'node:crypto';

/** `sha256:<hex>` of a buffer or string. */
export function sha256Hex(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** An incremental sha256 that also counts bytes, for data written in pieces. */
export class DigestCounter {
  readonly #hash: Hash = createHash('sha256');
  size = 0;

  update(chunk: Buffer): void {
    this.#hash.update(chunk);
    this.size += chunk.length;
  }

  digest(): string {
    return `sha256:${this.#hash.digest('hex')}`;
  }
}

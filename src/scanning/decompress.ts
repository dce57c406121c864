// A layer's bytes as a tar stream, whatever its compression: gzip (zlib), zstd (fzstd, pure JS) or none, told
// by the media type and checked against the magic bytes (registries mislabel). The output is counted: a layer
// that expands past `maxBytes` is a decompression bomb and fails with image_layer_over_sized.
// Media types: https://github.com/opencontainers/image-spec/blob/v1.1.0/layer.md#zstd-media-types
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { ScanError } from './errors.js';

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

export type Compression = 'gzip' | 'zstd' | 'none';

/** The compression of a layer from its first bytes (media types lie: foreign layers, old registries). */
export function sniffCompression(head: Uint8Array): Compression {
  const starts = (magic: number[]) => magic.every((b, i) => head[i] === b);
  if (starts(GZIP_MAGIC)) return 'gzip';
  if (starts(ZSTD_MAGIC)) return 'zstd';
  return 'none';
}

/** zstd as a Node transform over fzstd's streaming decompressor. */
class ZstdTransform extends Transform {
  private readonly zstd = new Decompress((chunk) =>
    this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)),
  );
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.zstd.push(chunk);
      done();
    } catch (err) {
      done(err as Error);
    }
  }
  override _flush(done: TransformCallback): void {
    try {
      this.zstd.push(new Uint8Array(0), true);
      done();
    } catch (err) {
      done(err as Error);
    }
  }
}

/** Counts what passes and fails once it passes `maxBytes`. */
class Budget extends Transform {
  private seen = 0;
  constructor(
    private readonly maxBytes: number,
    private readonly what: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) {
      done(new ScanError('image_layer_over_sized', `${this.what} expands past ${this.maxBytes} bytes`));
    } else done(null, chunk);
  }
}

/**
 * Pipes `layer` (compressed bytes) through the right decompressor and the budget into `sink` (the tar
 * parser); resolves when all of it has been read.
 */
export async function decompressInto(
  layer: Readable,
  sink: NodeJS.WritableStream,
  opts: { maxBytes: number; what: string },
): Promise<void> {
  const first = await firstChunk(layer);
  const rest = Readable.from(prepend(first.chunk, first.iterator), { objectMode: false });
  const kind = sniffCompression(first.chunk);
  const decoder = kind === 'gzip' ? createGunzip() : kind === 'zstd' ? new ZstdTransform() : undefined;
  const budget = new Budget(opts.maxBytes, opts.what);
  // A decoder that fails read bytes that are not what the layer says it is (or is cut short): a file-scan
  // failure. Anything else (the registry, the budget, the tar parser) keeps its own error.
  let decoderFailed = false;
  decoder?.once('error', () => {
    decoderFailed = true;
  });
  try {
    if (decoder) await pipeline(rest, decoder, budget, sink);
    else await pipeline(rest, budget, sink);
  } catch (err) {
    if (decoderFailed && !(err instanceof ScanError)) {
      throw new ScanError('failed_to_scan_file', `${opts.what} (${kind}): ${(err as Error).message}`, { cause: err });
    }
    throw err;
  }
}

async function firstChunk(layer: Readable) {
  const iterator = layer[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const next = await iterator.next();
  return { chunk: next.done ? Buffer.alloc(0) : (next.value as Buffer), iterator };
}

async function* prepend(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (first.length) yield first;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

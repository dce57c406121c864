// The text of a file a command is given (a key, a trusted root), or of standard input for `-`: read at most
// `limit` bytes, so a wrong file (or an endless pipe) is refused rather than read whole into memory.
import { open } from 'node:fs/promises';
import { RegattaError } from '../errors.js';

/**
 * The file's text. `what` names it in the error (`--key cosign.pub`).
 * @throws RegattaError USAGE when it cannot be read or is larger than `limit` bytes
 */
export async function readText(file: string, limit: number, what: string): Promise<string> {
  try {
    const bytes = await readBounded(file === '-' ? process.stdin : await fileStream(file), limit);
    return bytes.toString('utf8');
  } catch (err) {
    throw new RegattaError('USAGE', `${what}: ${(err as { code?: string }).code ?? (err as Error).message}`);
  }
}

async function fileStream(file: string): Promise<AsyncIterable<Buffer>> {
  return (await open(file)).createReadStream();
}

async function readBounded(stream: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > limit) throw new Error(`larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

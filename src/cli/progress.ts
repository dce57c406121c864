// A one-line progress bar on a terminal's stderr, fed by copy events. Redrawn at most every 100 ms.
import type { CopyEvent } from '../replication/copy-events.js';
import { formatBytes } from './output.js';

const WIDTH = 24;
const REDRAW_MS = 100;

export class ProgressBar {
  private readonly perBlob = new Map<string, { size: number; done: number }>();
  private readonly started = Date.now();
  private lastDraw = 0;
  private retries = 0;
  private finished = 0;
  /** Images done of all, for commands that copy many (sync); not shown until set. */
  private images?: { done: number; total: number };

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  /** Shown only on a terminal: piped output stays clean for scripts. */
  static forTerminal(enabled: boolean): ProgressBar | undefined {
    return enabled && process.stderr.isTTY ? new ProgressBar() : undefined;
  }

  readonly onEvent = (e: CopyEvent): void => {
    if (e.type === 'blob-start') this.perBlob.set(e.digest, { size: e.size, done: 0 });
    else if (e.type === 'blob-progress') {
      const b = this.perBlob.get(e.digest);
      if (b) b.done = e.position;
    } else if (e.type === 'blob-done') this.finished++;
    else if (e.type === 'retry') this.retries++;
    this.draw(false);
  };

  /** Counts one more image finished out of `total` (shown after the blobs). */
  imageDone(total: number): void {
    this.images = { done: (this.images?.done ?? 0) + 1, total };
    this.draw(false);
  }

  /** Clears the bar so the command's own output starts on a clean line. */
  end(): void {
    this.draw(true);
    this.out.write('\r\x1b[2K');
  }

  private draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    let total = 0;
    let done = 0;
    for (const b of this.perBlob.values()) {
      total += b.size;
      done += Math.min(b.done, b.size);
    }
    const ratio = total > 0 ? done / total : 0;
    const filled = Math.round(ratio * WIDTH);
    const rate = done / Math.max(0.001, (now - this.started) / 1000);
    const retrying = this.retries > 0 ? `  ${this.retries} retried` : '';
    const images = this.images ? `  ${this.images.done}/${this.images.total} images` : '';
    const bar = `[${'='.repeat(filled)}${' '.repeat(WIDTH - filled)}]`;
    this.out.write(
      `\r\x1b[2K${bar} ${formatBytes(done)} / ${formatBytes(total)}  ${formatBytes(rate)}/s  ${this.finished} blobs${images}${retrying}`,
    );
  }
}

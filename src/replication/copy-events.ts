// What a copy reports as it goes: enough for a progress bar, a JSON log line, or (later) a task row.

export type CopyEvent =
  /** A blob transfer began; `size` bytes are expected. */
  | { type: 'blob-start'; digest: string; size: number }
  /** A blob's transfer reached `position` bytes (it moves back when an upload resumes from an earlier offset). */
  | { type: 'blob-progress'; digest: string; position: number }
  /** A blob finished; `how` it got to the target. */
  | { type: 'blob-done'; digest: string; size: number; how: 'copied' | 'exists' | 'mounted' }
  /** A request failed and will be tried again: not a failure yet. */
  | { type: 'retry'; what: string; attempt: number; delayMs: number; code: string }
  /** A manifest or index was pushed under `reference`. */
  | { type: 'manifest-pushed'; digest: string; mediaType: string; reference: string };

export type CopyListener = (event: CopyEvent) => void;

/** Totals of one copy. */
export interface CopyStats {
  blobsCopied: number;
  blobsExisting: number;
  blobsMounted: number;
  bytesCopied: number;
  manifestsPushed: number;
}

export const emptyStats = (): CopyStats => ({
  blobsCopied: 0,
  blobsExisting: 0,
  blobsMounted: 0,
  bytesCopied: 0,
  manifestsPushed: 0,
});

/** Adds `more` into `into`. */
export function addStats(into: CopyStats, more: CopyStats): void {
  into.blobsCopied += more.blobsCopied;
  into.blobsExisting += more.blobsExisting;
  into.blobsMounted += more.blobsMounted;
  into.bytesCopied += more.bytesCopied;
  into.manifestsPushed += more.manifestsPushed;
}

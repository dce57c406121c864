// One blob ledger per sync batch in a worker process, as `regatta sync` has one per run: the tasks of a batch copy
// images that share base layers into one target registry, so the first task to send a layer sends it and the
// others mount it from there (issue 18 counted a 256 KiB base layer sent 64 times by one rule run of 60
// repositories). Ledgers idle for ten minutes are dropped: a batch is short-lived, and a ledger's knowledge of
// which repository holds a blob is only trusted while its batch runs.
import { BlobLedger } from './blob-ledger.js';

const IDLE_MS = 10 * 60_000;
const ledgers = new Map<string, { ledger: BlobLedger; used: number }>();

export function ledgerForBatch(batchId: string, now = Date.now()): BlobLedger {
  for (const [id, entry] of ledgers) if (now - entry.used > IDLE_MS) ledgers.delete(id);
  let entry = ledgers.get(batchId);
  if (!entry) {
    entry = { ledger: new BlobLedger(), used: now };
    ledgers.set(batchId, entry);
  }
  entry.used = now;
  return entry.ledger;
}

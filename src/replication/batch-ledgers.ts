// What the tasks of one sync batch share in a worker process, as `regatta sync` shares it over a run: a blob ledger
// (the tasks copy images that share base layers into one target registry, so the first task to send a layer sends
// it and the others mount it from there; issue 18 counted a 256 KiB base layer sent 64 times by one rule run of 60
// repositories) and a target census (a first run into an empty namespace asks each target repository once whether
// it exists, instead of a HEAD per tag). Both are dropped after ten idle minutes: a batch is short-lived, and what
// they know is only trusted while its batch runs; the census forgets an answer after a minute besides.
import { BlobLedger } from './blob-ledger.js';
import { TargetCensus } from './target-census.js';

const IDLE_MS = 10 * 60_000;
/** How long the census of a batch trusts "this repository does not exist": a long batch asks again. */
const CENSUS_MAX_AGE_MS = 60_000;

interface BatchShared {
  ledger: BlobLedger;
  census: TargetCensus;
  used: number;
}

const batches = new Map<string, BatchShared>();

function sharedBy(batchId: string, now: number): BatchShared {
  for (const [id, entry] of batches) if (now - entry.used > IDLE_MS) batches.delete(id);
  let entry = batches.get(batchId);
  if (!entry) {
    entry = { ledger: new BlobLedger(), census: new TargetCensus(CENSUS_MAX_AGE_MS), used: now };
    batches.set(batchId, entry);
  }
  entry.used = now;
  return entry;
}

export function ledgerForBatch(batchId: string, now = Date.now()): BlobLedger {
  return sharedBy(batchId, now).ledger;
}

export function censusForBatch(batchId: string, now = Date.now()): TargetCensus {
  return sharedBy(batchId, now).census;
}

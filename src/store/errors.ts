// Typed errors of the store. Like every error Regatta raises on purpose, a `StoreError` carries a stable string
// `code` (match on `code`, not on `instanceof`) and a one-line message that never contains key material.
import { RegattaError } from '../errors.js';

/** Codes a `StoreError` can carry. */
export type StoreErrorCode =
  /** Another live process holds `${dataDir}/regatta.lock`. */
  | 'DATA_DIR_LOCKED'
  /** The data dir (or what Regatta keeps in it) is open to others and cannot be made private. */
  | 'DATA_DIR_INSECURE'
  /** The embedded PGlite child did not start (or died before reporting its port). */
  | 'EMBEDDED_START_FAILED'
  /** A secret key (env or file) is not base64 of exactly 32 bytes. */
  | 'SECRET_KEY_INVALID'
  /** The key file is readable or writable by group or others. */
  | 'SECRET_KEY_INSECURE'
  /** A stored secret token is malformed, was tampered with, or was sealed with another key. */
  | 'SECRET_UNREADABLE';

/** An error of the store layer with a stable `code`. */
export class StoreError extends RegattaError {
  declare readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** `DATA_DIR_LOCKED`: the data dir is in use by process `pid`. */
export class DataDirLockedError extends StoreError {
  readonly pid: number;
  readonly lockFile: string;
  constructor(lockFile: string, pid: number) {
    super(
      'DATA_DIR_LOCKED',
      `data dir is in use by process ${pid} (${lockFile}); stop that process, or use PostgreSQL (DATABASE_URL) to run several`,
    );
    this.pid = pid;
    this.lockFile = lockFile;
  }
}

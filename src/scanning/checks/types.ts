// A finding of a check that is neither a package vulnerability nor a malicious file: an unsafe setting of the
// image or a sensitive file in it. `rule` is a stable id (documented in the README) to filter and suppress by.

export interface CheckFinding {
  rule: string;
  severity: 'High' | 'Medium' | 'Low';
  /** One line for a person. */
  description: string;
  /** Where: a file path, a config field (`config.User`), a history entry (`history[3]`). */
  location: string;
  /** The offending value, shortened and with secrets masked. */
  evidence?: string;
}

// One platform of a multi-arch tag (an association_images entry): its name, and whether it has findings to show.
// A platform has its own scan; a failed rescan keeps the previous completed result (and its severity).
import type { Platform } from '../api/types';

/** `os/arch[/variant]`, e.g. linux/arm64/v8. */
export const platformName = (p: Pick<Platform, 'os' | 'architecture' | 'variant'>) =>
  [p.os, p.architecture, p.variant].filter(Boolean).join('/') || 'unknown platform';

/** A completed scan's results are there (its severity is given only after one). */
export const platformScanned = (p: Platform) => p.scan_status === 'success' || p.severity_level !== undefined;

/** The latest scan failed, the previous completed one is shown. */
export const platformStale = (p: Platform) => p.scan_status === 'failed' && p.severity_level !== undefined;

/** "3 vulnerabilities · 0 malicious · 1 unsafe": the counts of a scanned row or platform. */
export const countsText = (c: Pick<Platform, 'vul_num' | 'malicious_file_num' | 'unsafe_setting_num'>) =>
  `${c.vul_num ?? 0} vulnerabilities · ${c.malicious_file_num ?? 0} malicious · ${c.unsafe_setting_num ?? 0} unsafe`;

// Paths inside an image, normalised the way an unpacked root filesystem would see them: relative to `/`, no
// `.` or `..` components, no trailing slash. A name that would climb above the root (`../../etc/passwd`) is a
// malformed layer: nothing is ever written to disk here, but such a tar is refused rather than guessed at.
import { ScanError } from './errors.js';

export function normalizePath(name: string): string {
  if (name.includes('\0')) throw new ScanError('failed_to_scan_file', `a tar entry name holds a NUL byte`);
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) {
        throw new ScanError('failed_to_scan_file', `tar entry ${JSON.stringify(name)} escapes the image root`);
      }
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `a/b` joined with a link target: absolute targets start at the root, relative ones at `a`. */
export function resolveLink(from: string, target: string): string {
  return normalizePath(target.startsWith('/') ? target : `${dirname(from)}/${target}`);
}

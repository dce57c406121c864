// Merged filesystems for cataloger tests, built from files in memory (no layer, no registry).
import { type FileEntry, MergedFilesystem } from '../../src/scanning/filesystem.js';

/** A regular file of the base layer with its contents kept, as the layer reader leaves a wanted file. */
export function fileEntry(path: string, data: Buffer | string): FileEntry {
  const bytes = Buffer.from(data);
  return { path, type: 'file', size: bytes.length, mode: 0o644, uid: 0, layer: 0, data: bytes };
}

/** One layer of these files. */
export function filesystemOf(files: Record<string, Buffer | string>): MergedFilesystem {
  const fs = new MergedFilesystem();
  fs.applyLayer(Object.entries(files).map(([path, data]) => fileEntry(path, data)));
  return fs;
}

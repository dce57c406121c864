// Java archives (`*.jar`, `*.war`, `*.ear`): each names its Maven coordinates in
// `META-INF/maven/<groupId>/<artifactId>/pom.properties`; archives inside archives (Spring Boot's `BOOT-INF/lib/`,
// `WEB-INF/lib/`) are opened in turn, two levels deep. An archive without pom.properties is named by its manifest
// (Implementation-Title/-Version, Bundle-SymbolicName/-Version) or its file name (`name-1.2.3.jar`), without a
// group (so no advisory can match it wrongly).
// https://maven.apache.org/shared/maven-archiver/ (pom.properties)
import yauzl from 'yauzl';
import { readBounded } from '../../oci/response.js';
import type { MergedFilesystem } from '../filesystem.js';
import type { Cataloger, Package } from './types.js';

const ARCHIVE = /\.(?:jar|war|ear)$/i;
const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const MANIFEST = 'META-INF/MANIFEST.MF';
const MAX_NESTED = 32 * 1024 * 1024;
const MAX_DEPTH = 2;

export const javaCataloger: Cataloger = {
  wants: (path) => ARCHIVE.test(path),
  catalog: (fs) => catalogJavaArchives(fs),
};

export async function catalogJavaArchives(fs: MergedFilesystem): Promise<Package[]> {
  const found: Package[] = [];
  for (const e of fs) {
    if (!e.data || !ARCHIVE.test(e.path)) continue;
    try {
      await readArchive(e.data, e.path, 0, (name, version, where) =>
        found.push({ type: 'java', name, version, path: where, layer: e.layer }),
      );
    } catch {
      // Not a readable zip: nothing to report for it.
    }
  }
  return found;
}

async function readArchive(
  bytes: Buffer,
  path: string,
  depth: number,
  add: (name: string, version: string, where: string) => void,
): Promise<void> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  let named = false;
  let manifest: Record<string, string> | undefined;
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      const next = () => zip.readEntry();
      const pom = POM_PROPERTIES.test(entry.fileName);
      const isManifest = entry.fileName === MANIFEST;
      const nested = depth < MAX_DEPTH && ARCHIVE.test(entry.fileName) && entry.uncompressedSize <= MAX_NESTED;
      if (!pom && !nested && !isManifest) return next();
      zip
        .openReadStreamPromise(entry)
        .then((s) => readBounded(s, MAX_NESTED, entry.fileName))
        .then(async (content) => {
          if (isManifest) manifest = manifestFields(content.toString('utf8'));
          else if (pom) {
            const props = properties(content.toString('utf8'));
            if (props.groupId && props.artifactId && props.version) {
              add(`${props.groupId}:${props.artifactId}`, props.version, path);
              named = true;
            }
          } else {
            await readArchive(content, `${path}!/${entry.fileName}`, depth + 1, add).catch(() => undefined);
          }
          next();
        })
        .catch(reject);
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  if (named) return;
  // No Maven coordinates: the manifest's title and version, else the file name (neither names a group).
  const title = manifest?.['Implementation-Title'] ?? manifest?.['Bundle-SymbolicName'];
  const version = manifest?.['Implementation-Version'] ?? manifest?.['Bundle-Version'];
  if (title && version) return add(title.split(';')[0]!.trim(), version, path);
  const m = /([^/!]+?)-(\d+(?:\.\d+)+[\w.-]*)\.(?:jar|war|ear)$/i.exec(path);
  if (m) add(m[1]!, m[2]!, path);
}

function properties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([\w.]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) out[m[1]!] = m[2]!;
  }
  return out;
}

/** MANIFEST.MF main attributes (`Name: value`, continuation lines start with a space). */
function manifestFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break; // the main section ends at the first blank line
    if (line.startsWith(' ') && last) out[last] += line.slice(1);
    else {
      const colon = line.indexOf(':');
      if (colon > 0) {
        last = line.slice(0, colon).trim();
        out[last] = line.slice(colon + 1).trim();
      }
    }
  }
  return out;
}

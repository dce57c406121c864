// A jar naming log4j-core 2.14.1 (Log4Shell, CVE-2021-44228) in its pom.properties, zipped with Debian's zip as
// the java cataloger test makes them: the Critical finding the gate tests block on.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The jar's bytes, built under `dir` (a temporary folder the caller removes). */
export async function log4jJar(dir: string): Promise<Buffer> {
  const root = join(dir, 'jar');
  const pom = join(root, 'META-INF/maven/org.apache.logging.log4j/log4j-core');
  await mkdir(pom, { recursive: true });
  await writeFile(join(root, 'META-INF/MANIFEST.MF'), 'Manifest-Version: 1.0\n');
  await writeFile(
    join(pom, 'pom.properties'),
    'groupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n',
  );
  execFileSync('zip', ['-q', '-r', join(dir, 'log4j-core-2.14.1.jar'), '.'], { cwd: root });
  return readFile(join(dir, 'log4j-core-2.14.1.jar'));
}

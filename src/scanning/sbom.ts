// A CycloneDX 1.5 JSON SBOM of the packages a scan found: one component per package with its package URL
// (purl spec: pkg:deb/debian/<name>@<version>?arch=…&distro=…, pkg:npm/<scope>/<name>@<version>), the source
// package as a property, and the file it was read from as its evidence.
// https://cyclonedx.org/docs/1.5/json/, https://github.com/package-url/purl-spec
import { randomUUID } from 'node:crypto';
import type { OsRelease, Package } from './catalogers/types.js';

export function purlOf(pkg: Package, os?: OsRelease): string {
  const enc = encodeURIComponent;
  if (pkg.type === 'npm') {
    const [scope, name] = pkg.name.startsWith('@') ? pkg.name.split('/') : [undefined, pkg.name];
    return `pkg:npm/${scope ? `${enc(scope)}/` : ''}${enc(name!)}@${enc(pkg.version)}`;
  }
  if (pkg.type === 'deb') {
    const distro = os ? `&distro=${enc(`${os.id}-${os.versionId}`)}` : '';
    return `pkg:deb/${os?.id ?? 'debian'}/${enc(pkg.name)}@${enc(pkg.version)}?${pkg.source ? `upstream=${enc(pkg.source.name)}` : ''}${distro}`;
  }
  if (pkg.type === 'apk') return `pkg:apk/alpine/${enc(pkg.name)}@${enc(pkg.version)}`;
  if (pkg.type === 'rpm') {
    const distro = os ? `?distro=${enc(`${os.id}-${os.versionId}`)}` : '';
    return `pkg:rpm/${os?.id ?? 'redhat'}/${enc(pkg.name)}@${enc(pkg.version)}${distro}`;
  }
  if (pkg.type === 'java') {
    const [group, artifact] = pkg.name.includes(':') ? pkg.name.split(':') : [undefined, pkg.name];
    return `pkg:maven/${group ? `${enc(group)}/` : ''}${enc(artifact!)}@${enc(pkg.version)}`;
  }
  if (pkg.type === 'external') return `pkg:generic/${enc(pkg.name)}@${enc(pkg.version)}`;
  if (pkg.type === 'go') return `pkg:golang/${pkg.name.split('/').map(enc).join('/')}@${enc(pkg.version)}`;
  return `pkg:pypi/${enc(pkg.name.toLowerCase())}@${enc(pkg.version)}`;
}

export function cycloneDx(image: { reference: string; digest: string }, packages: Package[], os?: OsRelease) {
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: new Date().toISOString(),
      tools: { components: [{ type: 'application', name: 'regatta' }] },
      component: { type: 'container', name: image.reference, version: image.digest, 'bom-ref': image.digest },
    },
    components: packages.map((p, i) => ({
      type: 'library',
      'bom-ref': `pkg-${i}`,
      name: p.name,
      version: p.version,
      purl: purlOf(p, os),
      properties: [
        ...(p.source && p.source.name !== p.name ? [{ name: 'regatta:source-package', value: p.source.name }] : []),
        { name: 'regatta:layer', value: String(p.layer) },
      ],
      evidence: { occurrences: [{ location: `/${p.path}` }] },
    })),
  };
}

// `regatta scan REF`: scans one image straight from its registry (no server needed): OS and language packages,
// vulnerabilities from the advisory folder (--vulndb or REGATTA_VULNDB), malicious files by hash, unsafe
// settings and sensitive files. `--sbom FILE` writes a CycloneDX SBOM; `--fail-on LEVEL` makes CI jobs fail.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { RegattaError } from '../../errors.js';
import { parsePlatform } from '../../oci/manifest.js';
import { parseReference } from '../../oci/reference.js';
import { loadScanDatabases } from '../../scanning/databases.js';
import { cycloneDx } from '../../scanning/sbom.js';
import { type ScanReport, scanImage } from '../../scanning/scan.js';
import { connect } from '../connect.js';
import { print, ReportedError } from '../output.js';
import { defaultVulndb } from './vulndb.js';

interface ScanFlags {
  vulndb?: string;
  platform?: string;
  creds?: string;
  insecure?: boolean;
  sbom?: string;
  failOn?: string;
  json?: boolean;
}

const LEVELS = ['Low', 'Medium', 'High'] as const;

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('scan an image: packages, vulnerabilities, malicious files, unsafe settings, sensitive files')
    .argument('<reference>', 'HOST[:PORT]/REPO[:TAG|@DIGEST]')
    .option(
      '--vulndb <dir>',
      'advisory folder (osv/, malware/, rules/), default REGATTA_VULNDB or ./regatta-data/vulndb',
    )
    .option('--platform <os/arch>', 'the platform of an index to scan (default linux/amd64)')
    .option('--creds <user:password>', 'credentials (default: Docker config.json)')
    .option('--insecure', 'allow plain http to a non-loopback registry')
    .option('--sbom <file>', 'write a CycloneDX JSON SBOM of the packages found')
    .option('--fail-on <level>', 'exit 1 when the image is at this severity level or worse (Low, Medium, High)')
    .option('--json', 'print the whole report as JSON')
    .addHelpText('after', '\nExamples:\n  regatta scan --vulndb ./vulndb --fail-on High 127.0.0.1:5000/app:1.0')
    .action(async (reference: string, flags: ScanFlags) => {
      const failOn = flags.failOn ? LEVELS.find((l) => l.toLowerCase() === flags.failOn!.toLowerCase()) : undefined;
      if (flags.failOn && !failOn) throw new RegattaError('USAGE', `--fail-on takes ${LEVELS.join(', ')}`);
      const dbs = await loadScanDatabases(flags.vulndb ?? defaultVulndb());
      const ref = parseReference(reference);
      const client = await connect(ref.registry, flags);
      let report: ScanReport;
      try {
        const manifest = await client.manifestGet(ref.repository, ref.digest ?? ref.tag!);
        const platform = flags.platform ? parsePlatform(flags.platform) : undefined;
        report = await scanImage({ client, repository: ref.repository, manifest, platform }, dbs);
      } finally {
        await client.close();
      }
      if (flags.sbom) {
        const bom = cycloneDx({ reference, digest: report.digest }, report.packages, report.os);
        await writeFile(flags.sbom, `${JSON.stringify(bom, null, 2)}\n`);
      }
      print(flags, { reference, ...report }, () => render(report));
      const rank = (l: string) => ['Security', ...LEVELS].indexOf(l);
      if (failOn && rank(report.summary.severity_level) >= rank(failOn)) {
        throw new ReportedError('SCAN_POLICY', `severity ${report.summary.severity_level} is at or above ${failOn}`);
      }
    });
}

function render(r: ScanReport): string {
  const s = r.summary;
  const lines = [
    `${r.digest}  ${r.os?.prettyName ?? r.os?.id ?? 'unknown OS'}  ${r.packages.length} packages`,
    `severity ${s.severity_level}: ${s.vul_num} vulnerabilities, ${s.malicious_file_num} malicious files, ` +
      `${s.unsafe_setting_num} unsafe settings, ${s.sensitive_file_num} sensitive files`,
  ];
  for (const v of r.vulnerabilities) {
    lines.push(
      `  ${v.severity.padEnd(8)} ${v.id.padEnd(20)} ${v.package.name} ${v.package.version} → ${v.fixedVersion ?? '(no fix)'}`,
    );
  }
  for (const m of r.maliciousFiles) lines.push(`  MALICIOUS /${m.path}: ${m.ioc.comment} (${m.ioc.list})`);
  for (const f of [...r.unsafeSettings, ...r.sensitiveFiles]) {
    lines.push(`  ${f.severity.padEnd(8)} ${f.rule.padEnd(20)} ${f.location}: ${f.description}`);
  }
  return lines.join('\n');
}

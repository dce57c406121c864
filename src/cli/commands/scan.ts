// `regatta scan REF`: scans one image straight from its registry (no server needed): OS and language packages,
// vulnerabilities from the advisory folder (--vulndb or REGATTA_VULNDB), malicious files by hash, unsafe
// settings and sensitive files. `--sbom FILE` writes a CycloneDX SBOM; `--fail-on LEVEL` makes CI jobs fail.
// A tag naming an index is scanned platform by platform (scan-platforms.ts) unless --platform picks one.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { RegattaError } from '../../errors.js';
import { formatPlatform, type Platform, parsePlatform } from '../../oci/manifest.js';
import { parseReference } from '../../oci/reference.js';
import { loadScanDatabases } from '../../scanning/databases.js';
import { cycloneDx } from '../../scanning/sbom.js';
import { type ScanReport, type ScanSummary, scanImage } from '../../scanning/scan.js';
import { connect } from '../connect.js';
import { print, ReportedError } from '../output.js';
import { overallSummary, type PlatformReport, requirePlatform, sbomPathFor, scanPlatforms } from '../scan-platforms.js';
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
type Level = (typeof LEVELS)[number];

/** What was scanned: one image (a plain one, or the --platform of an index), or every platform of an index. */
type Scanned = { kind: 'image'; report: ScanReport } | { kind: 'index'; digest: string; platforms: PlatformReport[] };

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('scan an image: packages, vulnerabilities, malicious files, unsafe settings, sensitive files')
    .argument('<reference>', 'HOST[:PORT]/REPO[:TAG|@DIGEST]')
    .option(
      '--vulndb <dir>',
      'advisory folder (osv/, malware/, rules/), default REGATTA_VULNDB or ./regatta-data/vulndb',
    )
    .option('--platform <os/arch[/variant]>', 'scan only this platform of an index (default: every platform)')
    .option('--creds <user:password>', 'credentials (default: Docker config.json)')
    .option('--insecure', 'allow plain http to a non-loopback registry')
    .option(
      '--sbom <file>',
      'write a CycloneDX JSON SBOM of the packages found; for every platform of an index, one file each: ' +
        'FILE with -OS-ARCH[-VARIANT] before its extension (sbom-linux-arm64-v8.json)',
    )
    .option(
      '--fail-on <level>',
      'exit 1 when the image (its worst platform) is at this level or worse (Low, Medium, High)',
    )
    .option('--json', 'print the whole report as JSON (for an index: one report per platform and a summary)')
    .addHelpText(
      'after',
      '\nExamples:\n  regatta scan --vulndb ./vulndb --fail-on High 127.0.0.1:5000/app:1.0' +
        '\n  regatta scan --platform linux/arm64 --sbom sbom.json 127.0.0.1:5000/app:1.0',
    )
    .action(async (reference: string, flags: ScanFlags) => {
      const failOn = parseFailOn(flags.failOn);
      const platform = flags.platform ? parsePlatformFlag(flags.platform) : undefined;
      const scanned = await scan(reference, platform, flags);
      const severity =
        scanned.kind === 'image'
          ? await reportImage(reference, scanned.report, flags)
          : await reportPlatforms(reference, scanned, flags);
      if (failOn && rank(severity) >= rank(failOn)) {
        throw new ReportedError('SCAN_POLICY', `severity ${severity} is at or above ${failOn}`);
      }
    });
}

function parseFailOn(value: string | undefined): Level | undefined {
  if (value === undefined) return undefined;
  const level = LEVELS.find((l) => l.toLowerCase() === value.toLowerCase());
  if (!level) throw new RegattaError('USAGE', `--fail-on takes ${LEVELS.join(', ')}`);
  return level;
}

function parsePlatformFlag(value: string): Platform {
  try {
    return parsePlatform(value);
  } catch {
    throw new RegattaError('USAGE', `--platform: "${value}" is not os/arch[/variant]`);
  }
}

const rank = (level: string) => ['Security', ...LEVELS].indexOf(level);

async function scan(reference: string, platform: Platform | undefined, flags: ScanFlags): Promise<Scanned> {
  const dbs = await loadScanDatabases(flags.vulndb ?? defaultVulndb());
  const ref = parseReference(reference);
  const client = await connect(ref.registry, flags);
  try {
    const manifest = await client.manifestGet(ref.repository, ref.digest ?? ref.tag!);
    if (manifest.kind === 'index' && !platform) {
      return {
        kind: 'index',
        digest: manifest.digest,
        platforms: await scanPlatforms(client, ref.repository, manifest, dbs),
      };
    }
    // A plain image is itself whatever --platform says.
    if (manifest.kind === 'index' && platform) requirePlatform(manifest, platform);
    return { kind: 'image', report: await scanImage({ client, repository: ref.repository, manifest, platform }, dbs) };
  } finally {
    await client.close();
  }
}

async function reportImage(reference: string, report: ScanReport, flags: ScanFlags): Promise<string> {
  if (flags.sbom) await writeSbom(flags.sbom, reference, report);
  print(flags, { reference, ...report }, () => render(report));
  return report.summary.severity_level;
}

async function reportPlatforms(
  reference: string,
  scanned: Extract<Scanned, { kind: 'index' }>,
  flags: ScanFlags,
): Promise<string> {
  const { digest, platforms } = scanned;
  if (flags.sbom) {
    for (const p of platforms) await writeSbom(sbomPathFor(flags.sbom, p.platform), reference, p);
  }
  const summary = overallSummary(platforms);
  print(flags, { reference, digest, platforms, summary }, () => renderPlatforms(digest, platforms, summary));
  return summary.severity_level;
}

async function writeSbom(file: string, reference: string, report: ScanReport): Promise<void> {
  const bom = cycloneDx({ reference, digest: report.digest }, report.packages, report.os);
  await writeFile(file, `${JSON.stringify(bom, null, 2)}\n`);
}

function renderPlatforms(digest: string, platforms: PlatformReport[], s: ScanSummary): string {
  const sections = platforms.map((p) => `${formatPlatform(p.platform)}\n${render(p)}`);
  return [
    `index ${digest}  ${platforms.length} platforms`,
    ...sections,
    `overall severity ${s.severity_level}: ${s.vul_num} distinct vulnerabilities, ${s.malicious_file_num} malicious ` +
      `files, ${s.unsafe_setting_num} unsafe settings, ${s.sensitive_file_num} sensitive files`,
  ].join('\n\n');
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

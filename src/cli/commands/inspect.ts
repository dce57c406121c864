// `regatta inspect REF`: media type, digest, platforms, layers and sizes, and a summary of the image config.
import type { Command } from 'commander';
import type { RegistryClient } from '../../oci/client.js';
import { type ImageConfig, parseImageConfig } from '../../oci/image-config.js';
import { formatPlatform, type Manifest, parsePlatform } from '../../oci/manifest.js';
import { parseReference } from '../../oci/reference.js';
import { readBounded } from '../../oci/response.js';
import { connect } from '../connect.js';
import { formatBytes, print } from '../output.js';

interface InspectFlags {
  creds?: string;
  insecure?: boolean;
  json?: boolean;
  platform?: string;
}

/** Image configs are small JSON documents; refuse anything that is not. */
const CONFIG_LIMIT = 8 * 1024 * 1024;

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('show an image or index: media type, digest, platforms, layers, config')
    .argument('<reference>', 'HOST[:PORT]/REPO[:TAG|@DIGEST]')
    .option('--platform <os/arch[/variant]>', 'inspect one platform of an index')
    .option('--creds <user:password>', 'credentials (default: Docker config.json)')
    .option('--insecure', 'allow plain http to a non-loopback registry')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  regatta inspect 127.0.0.1:5000/app:1.0\n  regatta inspect --platform linux/arm64 127.0.0.1:5000/app:1.0',
    )
    .action(async (reference: string, flags: InspectFlags) => {
      const ref = parseReference(reference);
      const client = await connect(ref.registry, flags);
      try {
        let manifest = await client.manifestGet(ref.repository, ref.digest ?? ref.tag!);
        if (manifest.kind === 'index' && flags.platform)
          manifest = await childFor(client, ref.repository, manifest, flags.platform);
        const summary = await summarize(client, ref.repository, manifest);
        print(flags, { reference, ...summary }, () => render(summary));
      } finally {
        await client.close();
      }
    });
}

async function childFor(
  client: RegistryClient,
  repository: string,
  index: Manifest & { kind: 'index' },
  platform: string,
): Promise<Manifest> {
  const want = formatPlatform(parsePlatform(platform));
  const child = index.body.manifests.find((d) => d.platform && formatPlatform(d.platform).startsWith(want));
  if (!child) throw new Error(`no ${want} image in the index`);
  return client.manifestGet(repository, child.digest);
}

type Summary = Awaited<ReturnType<typeof summarize>>;

async function summarize(client: RegistryClient, repository: string, m: Manifest) {
  const base = { mediaType: m.mediaType, digest: m.digest, size: m.raw.length };
  if (m.kind === 'index') {
    const platforms = m.body.manifests.map((d) => ({
      platform: d.platform ? formatPlatform(d.platform) : 'unknown',
      digest: d.digest,
      mediaType: d.mediaType,
      size: d.size,
    }));
    return { ...base, kind: 'index' as const, platforms };
  }
  const layers = m.body.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size }));
  const totalSize = m.body.config.size + layers.reduce((n, l) => n + l.size, 0);
  const configBody = await client.blobGet(repository, m.body.config);
  const config = configSummary(parseImageConfig(await readBounded(configBody, CONFIG_LIMIT, 'image config')));
  return {
    ...base,
    kind: 'image' as const,
    artifactType: m.body.artifactType,
    subject: m.body.subject?.digest,
    layers,
    totalSize,
    config,
  };
}

function configSummary(c: ImageConfig) {
  return {
    created: c.created,
    platform: [c.os, c.architecture, c.variant].filter(Boolean).join('/'),
    user: c.config?.User || undefined,
    entrypoint: c.config?.Entrypoint ?? undefined,
    cmd: c.config?.Cmd ?? undefined,
    workingDir: c.config?.WorkingDir || undefined,
    env: c.config?.Env?.length ?? 0,
    exposedPorts: Object.keys(c.config?.ExposedPorts ?? {}),
    labels: c.config?.Labels ?? {},
    historyEntries: c.history?.length ?? 0,
  };
}

function render(s: Summary): string {
  const lines = [`Media type: ${s.mediaType}`, `Digest:     ${s.digest}`];
  if (s.kind === 'index') {
    lines.push('Platforms:');
    for (const p of s.platforms) lines.push(`  ${p.platform.padEnd(16)} ${p.digest}  ${formatBytes(p.size)}`);
    return lines.join('\n');
  }
  const c = s.config;
  if (s.artifactType) lines.push(`Artifact:   ${s.artifactType}`);
  lines.push(
    `Platform:   ${c.platform || 'unknown'}`,
    `Created:    ${c.created ?? 'unknown'}`,
    `Size:       ${formatBytes(s.totalSize)}`,
  );
  lines.push(`User:       ${c.user ?? '(root)'}`);
  if (c.entrypoint) lines.push(`Entrypoint: ${JSON.stringify(c.entrypoint)}`);
  if (c.cmd) lines.push(`Cmd:        ${JSON.stringify(c.cmd)}`);
  if (c.exposedPorts.length) lines.push(`Ports:      ${c.exposedPorts.join(', ')}`);
  lines.push(`Env:        ${c.env} variables`, `Layers:`);
  for (const l of s.layers) lines.push(`  ${l.digest}  ${formatBytes(l.size).padStart(10)}  ${l.mediaType}`);
  return lines.join('\n');
}

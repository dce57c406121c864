// Dependencies point one way (DESIGN.md, "Architecture"): oci → connectors → engines → jobs → api/cli/web,
// with store used by engines and facades. This test reads every import in src/ and fails on one pointing up,
// as go-containerregistry's depcheck test does for its packages.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = dirname(fileURLToPath(import.meta.url));

/** What each top-level folder may import from (besides itself). */
const ALLOWED: Record<string, string[]> = {
  oci: [],
  store: [],
  connectors: ['oci'],
  inventory: ['oci', 'connectors', 'store'],
  replication: ['oci', 'connectors', 'store'],
  scanning: ['oci', 'connectors', 'store'],
  // The context, the queue and webhooks: what use-cases and handlers share.
  app: ['oci', 'connectors', 'store'],
  // Use-cases: what the facades, the CLI and the queue handlers call.
  services: ['oci', 'connectors', 'store', 'inventory', 'replication', 'scanning', 'app'],
  jobs: ['oci', 'connectors', 'store', 'inventory', 'replication', 'scanning', 'app', 'services'],
  api: ['oci', 'connectors', 'store', 'inventory', 'replication', 'scanning', 'app', 'services', 'jobs'],
  cli: ['oci', 'connectors', 'store', 'inventory', 'replication', 'scanning', 'app', 'services', 'jobs', 'api'],
  // The console talks to the server over HTTP only: it imports nothing of it.
  web: [],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

function layerOf(file: string): string | undefined {
  const top = relative(SRC, file).split('/')[0];
  // Files directly in src/ (errors.ts) belong to no layer: every layer may use them.
  return top && !/\.[jt]s$/.test(top) ? top : undefined;
}

test('imports between src/ folders follow the layering', () => {
  const violations: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = layerOf(file);
    if (!from) continue;
    assert.ok(from in ALLOWED, `src/${from} is not a known layer: add it to DESIGN.md and this test`);
    const imports = readFileSync(file, 'utf8').matchAll(/from\s+'(\.{1,2}\/[^']+)'/g);
    for (const [, spec] of imports) {
      const to = layerOf(resolve(dirname(file), spec!));
      if (to && to !== from && !ALLOWED[from]!.includes(to))
        violations.push(`${relative(SRC, file)} imports ${to} (${spec})`);
    }
  }
  assert.deepEqual(violations, []);
});

// Dependencies point one way (DESIGN.md, "Architecture"): oci → connectors → engines → jobs → api/cli/web,
// with store used by engines and facades. This test reads every import in src/ and fails on one pointing up,
// as go-containerregistry's depcheck test does for its packages.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  // Signature verification: reads signatures through the registry client.
  signing: ['oci'],
  // The context, the queue, webhooks and worker options: what use-cases and handlers share.
  app: ['oci', 'connectors', 'store', 'inventory', 'replication', 'scanning'],
  // Use-cases: what the facades, the CLI and the queue handlers call.
  services: ['oci', 'connectors', 'store', 'inventory', 'replication', 'scanning', 'signing', 'app'],
  jobs: ['oci', 'connectors', 'store', 'inventory', 'replication', 'scanning', 'app', 'services'],
  // Facades reach the engines' work through services (a queue handler is not theirs to call).
  api: ['oci', 'connectors', 'store', 'inventory', 'replication', 'scanning', 'app', 'services'],
  cli: [
    'oci',
    'connectors',
    'store',
    'inventory',
    'replication',
    'scanning',
    'signing',
    'app',
    'services',
    'jobs',
    'api',
  ],
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

function layerOf(root: string, file: string): string | undefined {
  const top = relative(root, file).split('/')[0];
  // Files directly in src/ (errors.ts) belong to no layer: every layer may use them.
  return top && !/\.[jt]s$/.test(top) ? top : undefined;
}

/** Every import under `root` that points to a layer its own may not use, as `file imports layer (spec)`. */
function violations(root: string): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(root)) {
    const from = layerOf(root, file);
    if (!from) continue;
    assert.ok(from in ALLOWED, `src/${from} is not a known layer: add it to DESIGN.md and this test`);
    const imports = readFileSync(file, 'utf8').matchAll(/from\s+'(\.{1,2}\/[^']+)'/g);
    for (const [, spec] of imports) {
      const to = layerOf(root, resolve(dirname(file), spec!));
      if (to && to !== from && !ALLOWED[from]!.includes(to))
        found.push(`${relative(root, file)} imports ${to} (${spec})`);
    }
  }
  return found;
}

test('imports between src/ folders follow the layering', () => {
  assert.deepEqual(violations(SRC), []);
});

test('the check fails on an upward import: a fixture where the registry client reaches for a facade', () => {
  const root = mkdtempSync(join(tmpdir(), 'regatta-layering-'));
  try {
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write('api/native/errors.ts', 'export const x = 1;\n');
    write('oci/client.ts', "import { x } from '../api/native/errors.js';\nimport { y } from './reference.js';\n");
    write('oci/reference.ts', 'export const y = 2;\n');
    write('api/native/rules.ts', "import { runSyncTaskJob } from '../../jobs/replication-jobs.js';\n");
    write('services/replication.ts', "import { z } from '../oci/client.js';\n");
    assert.deepEqual(violations(root).sort(), [
      'api/native/rules.ts imports jobs (../../jobs/replication-jobs.js)',
      'oci/client.ts imports api (../api/native/errors.js)',
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

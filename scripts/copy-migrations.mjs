#!/usr/bin/env node
// Build step after esbuild: copies src/store/migrations/*.sql to dist/migrations/, where migrate.ts looks for
// them when it runs from the dist/regatta.mjs bundle (it reads `migrations/` next to its own module).
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const from = 'src/store/migrations';
const to = 'dist/migrations';
rmSync(to, { recursive: true, force: true });
mkdirSync(to, { recursive: true });
for (const file of readdirSync(from).filter((f) => f.endsWith('.sql'))) copyFileSync(join(from, file), join(to, file));

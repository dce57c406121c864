#!/usr/bin/env node
// The `regatta` command: the sources bundled into one file by `npm run build` (run by `prepare` on install),
// which starts in about half the time of loading hundreds of modules one by one.
import module from 'node:module';

// Node ≥ 22.1 caches compiled code between runs; Node 20 has no such cache and skips this.
module.enableCompileCache?.();
await import('../dist/regatta.mjs');

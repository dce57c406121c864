// Removes the chunks of an earlier `npm run build:server`: esbuild names them by content hash, so a rebuild
// would leave the old ones beside the new.
import { readdirSync, rmSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);
let names = [];
try {
  names = readdirSync(dist);
} catch {
  // No dist/ yet: nothing to clean.
}
for (const name of names) if (/^chunk-[A-Z0-9]+\.mjs(\.map)?$/.test(name)) rmSync(new URL(name, dist));

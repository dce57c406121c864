// The console's API types (src/web/api/openapi.ts) are what the routes' schemas generate today: a route whose
// response changed without `npm run gen:api-types` fails here, before the console could read a field that is gone.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { API_TYPES_FILE, generateApiTypes } from '../../scripts/api-types.js';

test('src/web/api/openapi.ts is generated from the current routes (else: npm run gen:api-types)', async () => {
  const committed = await readFile(API_TYPES_FILE, 'utf8');
  assert.ok(
    committed === (await generateApiTypes()),
    'src/web/api/openapi.ts is out of date: run npm run gen:api-types',
  );
});

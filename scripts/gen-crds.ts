// Writes deploy/crds/ from the model (one file per CRD). Usage: node --import tsx scripts/gen-crds.ts
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCrds } from '@docket/model';

const dir = join(new URL('..', import.meta.url).pathname, 'deploy', 'crds');
mkdirSync(dir, { recursive: true });
const files = renderCrds();
// Remove CRD files the generator no longer produces, so the folder mirrors it exactly.
for (const name of readdirSync(dir)) {
  if (name.endsWith('.yaml') && !(name in files)) rmSync(join(dir, name));
}
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
console.log(`wrote ${Object.keys(files).length} CRDs to ${dir}`);

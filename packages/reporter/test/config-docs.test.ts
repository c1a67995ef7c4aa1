import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { commonTargetShape, targetFilterSchema, targetRegistry } from '@docket/targets';
import { ENV_VARIABLES, rootSchema } from '../src/config/index.ts';

const doc = readFileSync(new URL('../../../docs/config.md', import.meta.url), 'utf8');

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; element?: z.ZodType; shape?: Record<string, z.ZodType>; options?: z.ZodType[] };
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Looks through optional/default/transform wrappers. */
function unwrap(s: z.ZodType): z.ZodType {
  const d = defOf(s);
  if (['optional', 'nullable', 'default', 'prefault'].includes(d.type)) return unwrap(d.innerType!);
  if (d.type === 'pipe') return unwrap(d.in!);
  return s;
}

/** Every key path of an object schema: `a.b`, arrays of objects as `a[].b`. */
function keyPaths(schema: z.ZodType, prefix: string): string[] {
  const s = unwrap(schema);
  const d = defOf(s);
  if (d.type === 'array') {
    const el = unwrap(d.element!);
    return defOf(el).type === 'object' ? keyPaths(el, `${prefix}[]`) : [];
  }
  if (d.type !== 'object') return [];
  // include/exclude lists are documented once, as a kind of value.
  if (Object.keys(d.shape!).sort().join() === 'exclude,include') return [];
  return Object.entries(d.shape!).flatMap(([k, v]) => [`${prefix}.${k}`, ...keyPaths(v, `${prefix}.${k}`)]);
}

const documented = (path: string) => doc.includes(`\`${path}\``);

test('docs/config.md documents every key of every section schema', () => {
  const shape = defOf(rootSchema).shape!;
  const missing: string[] = [];
  for (const [section, schema] of Object.entries(shape)) {
    if (section === 'target' || section === 'targets') continue;
    for (const p of keyPaths(schema, section)) if (!documented(p)) missing.push(p);
  }
  assert.deepEqual(missing, [], `undocumented keys:\n${missing.join('\n')}`);
});

test('docs/config.md documents every common target key, filter key and target-specific key', () => {
  const missing: string[] = [];
  for (const k of Object.keys(commonTargetShape)) if (!documented(`target.*.${k}`)) missing.push(`target.*.${k}`);
  for (const k of Object.keys(defOf(targetFilterSchema).shape!)) if (!documented(`target.*.filter.${k}`)) missing.push(`target.*.filter.${k}`);
  for (const def of Object.values(targetRegistry)) {
    const names = [def.type, ...(def.aliases ?? [])];
    for (const p of keyPaths(def.configSchema as z.ZodType, '')) {
      const key = p.slice(1);
      const top = key.split(/[.[]/)[0]!;
      if (top in commonTargetShape || top === 'channels') continue;
      if (!names.some((n) => documented(`target.${n}.${key}`))) missing.push(`target.${def.type}.${key}`);
    }
  }
  assert.deepEqual(missing, [], `undocumented target keys:\n${missing.join('\n')}`);
});

test('docs/config.md lists every environment variable', () => {
  const missing = ENV_VARIABLES.filter((v) => !documented(v.name)).map((v) => v.name);
  assert.deepEqual(missing, []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import {
  REPORT_SCHEMAS, RESOURCE_TYPES, openApiSchema, printerColumns, wireShapeOf, type JsonSchemaProps,
} from '@docket/model';

type Json = Record<string, unknown> & { properties?: Record<string, Json>; items?: Json; additionalProperties?: Json | boolean };

/**
 * Walks the zod-derived JSON Schema and the CRD OpenAPI schema side by side and lists every
 * difference in properties, types, enums and required fields. `metadata` is opaque in CRDs.
 */
function diff(zod: Json, api: JsonSchemaProps, path: string, out: string[]): void {
  if (path === 'metadata') return;
  if (zod.type !== api.type) out.push(`${path}: type ${String(zod.type)} (zod) vs ${String(api.type)} (openapi)`);
  if (JSON.stringify(zod.enum ?? null) !== JSON.stringify(api.enum ?? null)) out.push(`${path}: enum differs`);
  const zr = [...((zod.required as string[] | undefined) ?? [])].sort();
  const ar = [...(api.required ?? [])].sort();
  if (JSON.stringify(zr) !== JSON.stringify(ar)) out.push(`${path}: required ${zr.join(',')} (zod) vs ${ar.join(',')} (openapi)`);
  const zp = zod.properties ?? {};
  const ap = api.properties ?? {};
  for (const k of Object.keys(zp)) if (!(k in ap)) out.push(`${path}.${k}: only in zod`);
  for (const k of Object.keys(ap)) if (!(k in zp)) out.push(`${path}.${k}: only in openapi`);
  for (const k of Object.keys(zp)) if (ap[k]) diff(zp[k]!, ap[k]!, path ? `${path}.${k}` : k, out);
  if (zod.items || api.items) {
    if (!zod.items || !api.items) out.push(`${path}[]: items only on one side`);
    else diff(zod.items, api.items, `${path}[]`, out);
  }
  const za = typeof zod.additionalProperties === 'object' ? zod.additionalProperties : undefined;
  if (za || api.additionalProperties) {
    if (!za || !api.additionalProperties) out.push(`${path}{}: map values only on one side`);
    else diff(za, api.additionalProperties, `${path}{}`, out);
  }
}

for (const resource of RESOURCE_TYPES) {
  for (const version of resource.versions) {
    test(`OpenAPI and zod agree for ${resource.kind}.${resource.group}/${version}`, () => {
      const zodJson = z.toJSONSchema(REPORT_SCHEMAS[wireShapeOf(resource.group, version)], { unrepresentable: 'any', io: 'input' }) as Json;
      const out: string[] = [];
      diff(zodJson, openApiSchema(resource, version), '', out);
      assert.deepEqual(out, []);
    });
  }
}

test('the drift check notices a field missing from the OpenAPI schema', () => {
  const api = openApiSchema(RESOURCE_TYPES[0]!, 'v1beta1');
  const broken: JsonSchemaProps = { ...api, properties: { ...api.properties } };
  delete broken.properties!.source;
  const out: string[] = [];
  diff(z.toJSONSchema(REPORT_SCHEMAS.hub, { unrepresentable: 'any', io: 'input' }) as Json, broken, '', out);
  assert.deepEqual(out, ['.source: only in zod']);
});

function undocumented(s: JsonSchemaProps, path: string, out: string[]): void {
  for (const [k, child] of Object.entries(s.properties ?? {})) {
    if (!child.description) out.push(`${path}${k}`);
    undocumented(child, `${path}${k}.`, out);
    if (child.items?.properties) undocumented(child.items, `${path}${k}[].`, out);
  }
}

test('every field has a description for kubectl explain, and results are explained', () => {
  for (const resource of RESOURCE_TYPES) {
    for (const version of resource.versions) {
      const out: string[] = [];
      const schema = openApiSchema(resource, version);
      undocumented(schema, '', out);
      assert.deepEqual(out, [], `${resource.group}/${version} ${resource.kind}`);
      assert.match(schema.properties?.results?.description ?? '', /findings/);
    }
  }
});

test('printer columns: scope kind/name only in wide output, counters from summary, age from metadata', () => {
  assert.deepEqual(printerColumns.map((c) => [c.name, c.type, c.jsonPath, c.priority ?? 0]), [
    ['Kind', 'string', '.scope.kind', 1],
    ['Name', 'string', '.scope.name', 1],
    ['Pass', 'integer', '.summary.pass', 0],
    ['Fail', 'integer', '.summary.fail', 0],
    ['Warn', 'integer', '.summary.warn', 0],
    ['Error', 'integer', '.summary.error', 0],
    ['Skip', 'integer', '.summary.skip', 0],
    ['Age', 'date', '.metadata.creationTimestamp', 0],
  ]);
});

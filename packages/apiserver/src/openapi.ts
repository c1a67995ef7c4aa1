/**
 * OpenAPI documents for the served report group-versions: the v3 index (`/openapi/v3`), one v3
 * document per group-version (`/openapi/v3/apis/{group}/{version}`), and the swagger 2.0 document
 * (`/openapi/v2` as JSON). kubectl reads the v3 documents for `explain`, and for `apply` to learn
 * that the PATCH endpoint accepts `fieldValidation` (then it validates on the server and needs no
 * client-side schema). Checked with kubectl 1.29–1.33: given that, `/openapi/v2` answered as JSON,
 * 404 or 406 to their protobuf Accept all work (they only try it for patch computation and ignore
 * failures); 1.27/1.28 fail hard unless it decodes as protobuf (openapi-v2-pb.ts covers them).
 * Object schemas come from the model (`schemaOf`, default `openApiSchema`).
 */
import { createHash } from 'node:crypto';
import { RESOURCE_TYPES, openApiSchema, type ResourceType } from '@docket/model';
import { META, metaSchemas, ref } from './openapi-meta.ts';
import { servedGroups } from './discovery.ts';
import { KUBE_MINOR } from './version.ts';

/** The structural openAPIV3Schema of one resource version (model's `openApiSchema`). */
export type SchemaOf = (resource: ResourceType, version: string) => object;

/** The model's schemas: what the CRDs in deploy/ declare. */
export const modelSchemaOf: SchemaOf = (resource, version) => openApiSchema(resource, version);

/** `io.wgpolicyk8s.v1alpha2.PolicyReport`: kube names definitions by reversed group, version, kind. */
export function definitionName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

type Json = Record<string, unknown>;
type Param = { name: string; in: 'query' | 'path'; description: string; type: 'string' | 'boolean' | 'integer'; required?: boolean };
const q = (name: string, description: string, type: Param['type'] = 'string'): Param => ({ name, in: 'query', description, type });
const P = {
  pretty: q('pretty', 'Pretty-print the output.'),
  dryRun: q('dryRun', '"All" validates and computes the result without persisting it.'),
  fieldManager: q('fieldManager', 'Name of the actor making the change, recorded in managedFields.'),
  fieldValidation: q('fieldValidation', 'Ignore, Warn or Strict: what to do with unknown or duplicate fields.'),
  force: q('force', 'Server-side apply: take ownership of fields other managers own instead of failing.', 'boolean'),
  list: [
    q('allowWatchBookmarks', 'Send BOOKMARK events on watches.', 'boolean'),
    q('continue', 'Token from a previous page.'),
    q('fieldSelector', 'Restrict by fields, e.g. metadata.name=x,scope.kind=Pod.'),
    q('labelSelector', 'Restrict by labels, e.g. app=web,tier!=db.'),
    q('limit', 'Maximum number of items per page.', 'integer'),
    q('resourceVersion', 'Which version of the collection to read or watch from.'),
    q('resourceVersionMatch', 'NotOlderThan or Exact.'),
    q('sendInitialEvents', 'Start a watch with the current state, ended by a bookmark.', 'boolean'),
    q('timeoutSeconds', 'End the list or watch after this many seconds.', 'integer'),
    q('watch', 'Stream changes instead of listing.', 'boolean'),
  ],
  del: [q('gracePeriodSeconds', 'Accepted for compatibility.', 'integer'), q('propagationPolicy', 'Orphan, Background or Foreground.')],
};
const pathParam = (name: string, description: string): Param => ({ name, in: 'path', description, type: 'string', required: true });

interface Op { method: string; action: string; kind: string; params: Param[]; body?: string; bodyTypes?: string[]; response: string; summary: string }

/** The operations under each path of one resource version, in kube's path layout. */
function operations(r: ResourceType): Array<{ path: string; params: Param[]; ops: Op[] }> {
  const base = r.namespaced ? `namespaces/{namespace}/${r.plural}` : r.plural;
  const ns = r.namespaced ? [pathParam('namespace', 'Object name and auth scope, such as for teams and projects.')] : [];
  const kinds = { item: r.kind, list: r.listKind };
  const collection: Op[] = [
    { method: 'get', action: 'list', kind: kinds.item, params: P.list, response: 'list', summary: `list or watch objects of kind ${r.kind}` },
    { method: 'post', action: 'post', kind: kinds.item, params: [P.dryRun, P.fieldManager, P.fieldValidation], body: 'item', bodyTypes: ['application/json', 'application/yaml'], response: 'item', summary: `create a ${r.kind}` },
    { method: 'delete', action: 'deletecollection', kind: kinds.item, params: [...P.list, ...P.del, P.dryRun], body: 'delete', bodyTypes: ['application/json'], response: 'status', summary: `delete collection of ${r.kind}` },
  ];
  const item: Op[] = [
    { method: 'get', action: 'get', kind: kinds.item, params: [q('resourceVersion', 'Version to read.')], response: 'item', summary: `read the specified ${r.kind}` },
    { method: 'put', action: 'put', kind: kinds.item, params: [P.dryRun, P.fieldManager, P.fieldValidation], body: 'item', bodyTypes: ['application/json', 'application/yaml'], response: 'item', summary: `replace the specified ${r.kind}` },
    { method: 'patch', action: 'patch', kind: kinds.item, params: [P.dryRun, P.fieldManager, P.fieldValidation, P.force], body: 'patch',
      bodyTypes: ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'], response: 'item', summary: `partially update the specified ${r.kind}` },
    { method: 'delete', action: 'delete', kind: kinds.item, params: [...P.del, P.dryRun], body: 'delete', bodyTypes: ['application/json'], response: 'status', summary: `delete a ${r.kind}` },
  ];
  const out = [
    { path: base, params: [...ns, P.pretty], ops: collection },
    { path: `${base}/{name}`, params: [pathParam('name', `name of the ${r.kind}`), ...ns, P.pretty], ops: item },
  ];
  if (r.namespaced) {
    out.push({ path: r.plural, params: [P.pretty], ops: [{ ...collection[0]!, summary: `list or watch objects of kind ${r.kind} in all namespaces` }] });
  }
  return out;
}

function opId(method: string, action: string, r: ResourceType, version: string, allNs: boolean): string {
  const gv = `${r.group.split('.')[0]}${version[0]!.toUpperCase()}${version.slice(1)}`;
  const verb = { get: action === 'list' ? 'list' : 'read', post: 'create', put: 'replace', patch: 'patch', delete: action === 'deletecollection' ? 'deleteCollection' : 'delete' }[method] ?? method;
  return `${verb}${gv[0]!.toUpperCase()}${gv.slice(1)}${r.namespaced && !allNs ? 'Namespaced' : ''}${r.kind}${allNs ? 'ForAllNamespaces' : ''}`;
}

/** Adds the envelope fields kube publishes for a CRD schema: metadata as ObjectMeta, the GVK extension. */
function itemSchema(r: ResourceType, version: string, schemaOf: SchemaOf): Json {
  const s = structuredClone(schemaOf(r, version)) as Json;
  const props = { ...(s.properties as Json | undefined) };
  props.apiVersion ??= { type: 'string', description: 'The versioned schema of this object, group/version.' };
  props.kind ??= { type: 'string', description: 'The REST kind of this object.' };
  props.metadata = { allOf: [ref(`${META}.ObjectMeta`)], description: 'Standard object metadata.' };
  return { ...s, type: 'object', properties: props, 'x-kubernetes-group-version-kind': [{ group: r.group, kind: r.kind, version }] };
}

function listSchema(r: ResourceType, version: string): Json {
  return {
    type: 'object', required: ['items'], description: `A list of ${r.kind} objects.`,
    properties: {
      apiVersion: { type: 'string', description: 'The versioned schema of this list.' },
      items: { type: 'array', items: ref(definitionName(r.group, version, r.kind)), description: `The ${r.kind} objects.` },
      kind: { type: 'string', description: 'The REST kind of this list.' },
      metadata: { allOf: [ref(`${META}.ListMeta`)], default: {}, description: 'Standard list metadata.' },
    },
    'x-kubernetes-group-version-kind': [{ group: r.group, kind: r.listKind, version }],
  };
}

const JSON_TYPES = ['application/json', 'application/yaml'];

/** The OpenAPI v3 document of one group-version, or undefined when it is not served. */
export function buildOpenApiV3(group: string, version: string, schemaOf: SchemaOf = modelSchemaOf, resources: readonly ResourceType[] = RESOURCE_TYPES): Json | undefined {
  const rs = resources.filter((r) => r.group === group && r.versions.includes(version));
  if (rs.length === 0) return undefined;
  const schemas: Json = metaSchemas();
  const paths: Json = {};
  for (const r of rs) {
    const item = definitionName(group, version, r.kind);
    const list = definitionName(group, version, r.listKind);
    schemas[item] = itemSchema(r, version, schemaOf);
    schemas[list] = listSchema(r, version);
    const refs: Record<string, string> = { item, list, status: `${META}.Status`, delete: `${META}.DeleteOptions`, patch: `${META}.Patch` };
    for (const p of operations(r)) {
      const entry: Json = { parameters: p.params.map(toV3Param) };
      for (const op of p.ops) {
        const allNs = r.namespaced && !p.path.startsWith('namespaces/');
        const o: Json = {
          tags: [`${group.split('.')[0]}_${version}`], description: op.summary, operationId: opId(op.method, op.action, r, version, allNs),
          parameters: op.params.map(toV3Param),
          responses: { 200: { description: 'OK', content: Object.fromEntries(JSON_TYPES.map((t) => [t, { schema: ref(refs[op.response]!) }])) },
            401: { description: 'Unauthorized' } },
          'x-kubernetes-action': op.action,
          'x-kubernetes-group-version-kind': { group, version, kind: op.kind },
        };
        if (op.body) o.requestBody = { content: Object.fromEntries(op.bodyTypes!.map((t) => [t, { schema: ref(refs[op.body!]!) }])), required: op.method !== 'delete' };
        if (op.method === 'post' || op.method === 'put') (o.responses as Json)[201] = (o.responses as Json)[200];
        entry[op.method] = o;
      }
      paths[`/apis/${group}/${version}/${p.path}`] = entry;
    }
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Docket', version: `v1.${KUBE_MINOR}.0` },
    paths,
    components: { schemas, securitySchemes: { BearerToken: { type: 'apiKey', in: 'header', name: 'authorization', description: 'Bearer token' } } },
  };
}

function toV3Param(p: Param): Json {
  return { name: p.name, in: p.in, description: p.description, ...(p.required ? { required: true } : {}), schema: { type: p.type, uniqueItems: true } };
}

/** kube's OpenAPI hash: uppercase hex sha512 of the served bytes. */
export function openApiHash(doc: unknown): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}

/** The `/openapi/v3` index: one entry per served group-version, each with its document's hash. */
export function buildOpenApiV3Index(docs: ReadonlyMap<string, Json>): Json {
  const paths: Json = {};
  for (const [gv, doc] of docs) paths[`apis/${gv}`] = { serverRelativeURL: `/openapi/v3/apis/${gv}?hash=${openApiHash(doc)}` };
  return { paths };
}

/** Rewrites v3 constructs that swagger 2.0 lacks (`$ref` targets, request bodies, parameter schemas). */
function toV2(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toV2);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') out[k] = v.replace('#/components/schemas/', '#/definitions/');
    else if (k === 'nullable') out['x-nullable'] = v;
    else out[k] = toV2(v);
  }
  return out;
}

/** The swagger 2.0 document for every served group-version together. */
export function buildOpenApiV2(schemaOf: SchemaOf = modelSchemaOf, resources: readonly ResourceType[] = RESOURCE_TYPES): Json {
  const definitions: Json = {};
  const paths: Json = {};
  for (const g of servedGroups(resources)) {
    for (const { version } of g.versions) {
      const doc = buildOpenApiV3(g.name, version, schemaOf, resources)!;
      Object.assign(definitions, toV2((doc.components as Json).schemas));
      for (const [path, item] of Object.entries(doc.paths as Json)) {
        const entry: Json = {};
        for (const [method, op] of Object.entries(item as Json)) {
          if (method === 'parameters') { entry.parameters = (op as Json[]).map(v2Param); continue; }
          const { requestBody, responses, parameters, ...rest } = op as Json;
          const body = requestBody as { content: Record<string, { schema: unknown }> } | undefined;
          const bodyTypes = body ? Object.keys(body.content) : JSON_TYPES;
          const ok = Object.values((responses as Record<string, { content: Record<string, { schema: unknown }> }>)[200]!.content)[0]!.schema;
          entry[method] = {
            ...rest, consumes: bodyTypes, produces: ['application/json', 'application/yaml'], schemes: ['https'],
            parameters: [...(parameters as Json[]).map(v2Param),
              ...(body ? [{ name: 'body', in: 'body', required: method !== 'delete', schema: toV2(Object.values(body.content)[0]!.schema) }] : [])],
            responses: { 200: { description: 'OK', schema: toV2(ok) }, 401: { description: 'Unauthorized' } },
          };
        }
        paths[path] = entry;
      }
    }
  }
  return { swagger: '2.0', info: { title: 'Docket', version: `v1.${KUBE_MINOR}.0` }, paths, definitions };
}

function v2Param(p: Json): Json {
  const { schema, ...rest } = p;
  return { ...rest, type: (schema as Json).type, uniqueItems: true };
}

/** Every served group-version's v3 document, keyed `group/version`; build once and serve many times. */
export function buildOpenApiV3All(schemaOf: SchemaOf = modelSchemaOf, resources: readonly ResourceType[] = RESOURCE_TYPES): Map<string, Json> {
  const docs = new Map<string, Json>();
  for (const g of servedGroups(resources)) for (const { groupVersion, version } of g.versions) docs.set(groupVersion, buildOpenApiV3(g.name, version, schemaOf, resources)!);
  return docs;
}

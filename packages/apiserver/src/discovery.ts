/**
 * Discovery documents, legacy (`/api`, `/apis`, `/apis/{group}`, `/apis/{group}/{version}`) and
 * aggregated (`apidiscovery.k8s.io/v2` and `v2beta1`), all derived from RESOURCE_TYPES so a new
 * kind or version appears everywhere at once. Pure builders plus a small fastify registration.
 *
 * The core group (`/api`, `/api/v1`) is core-v1.ts: kubectl needs `v1` listed, and not empty.
 */
import { createHash } from 'node:crypto';
import { RESOURCE_TYPES, REPORT_GROUPS, type ResourceType } from '@docket/model';

/** Verbs every report resource supports, in kube's order for CRDs. */
export const RESOURCE_VERBS = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'] as const;

export interface GroupVersionForDiscovery { groupVersion: string; version: string }
export interface ApiGroup { name: string; versions: GroupVersionForDiscovery[]; preferredVersion: GroupVersionForDiscovery }
export interface ApiResource {
  name: string; singularName: string; namespaced: boolean; kind: string; verbs: string[];
  shortNames: string[]; categories?: string[]; storageVersionHash: string;
}

/** Groups in served order; each group's versions in preference order (versions[0] preferred). */
export function servedGroups(resources: readonly ResourceType[] = RESOURCE_TYPES): ApiGroup[] {
  const order = [...REPORT_GROUPS, ...resources.map((r) => r.group)].filter((g, i, a) => a.indexOf(g) === i);
  const out: ApiGroup[] = [];
  for (const name of order) {
    const versions: string[] = [];
    for (const r of resources) if (r.group === name) for (const v of r.versions) if (!versions.includes(v)) versions.push(v);
    if (versions.length === 0) continue;
    const gvs = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
    out.push({ name, versions: gvs, preferredVersion: gvs[0]! });
  }
  return out;
}

/** `GET /apis`. */
export function apiGroupList(resources: readonly ResourceType[] = RESOURCE_TYPES): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: servedGroups(resources) };
}

/** `GET /apis/{group}`, or undefined when the group is not served (→ 404). */
export function apiGroup(group: string, resources: readonly ResourceType[] = RESOURCE_TYPES): object | undefined {
  const g = servedGroups(resources).find((x) => x.name === group);
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...g };
}

/**
 * kube's storageVersionHash: base64 of the first 8 bytes of sha256("group/version/kind") of the
 * storage version. Clients only compare it for equality (the storage migrator), so any stable
 * value derived from the storage version works; we follow kube's recipe.
 */
export function storageVersionHash(r: ResourceType): string {
  return createHash('sha256').update(`${r.group}/${r.storageVersion}/${r.kind}`).digest().subarray(0, 8).toString('base64');
}

/** One resource as listed in an APIResourceList. */
export function toApiResource(r: ResourceType): ApiResource {
  return {
    name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind,
    verbs: [...RESOURCE_VERBS], shortNames: [...r.shortNames], storageVersionHash: storageVersionHash(r),
  };
}

/** `GET /apis/{group}/{version}`, or undefined when not served (→ 404). */
export function apiResourceList(group: string, version: string, resources: readonly ResourceType[] = RESOURCE_TYPES): object | undefined {
  const rs = resources.filter((r) => r.group === group && r.versions.includes(version));
  if (rs.length === 0) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources: rs.map(toApiResource) };
}

/** Which discovery format a request's Accept header asks for, best first as kube chooses. */
export type DiscoveryFormat = 'v2' | 'v2beta1' | 'legacy';

/**
 * Content negotiation for `/api` and `/apis`: kubectl ≥1.30 offers v2 then v2beta1 then plain
 * JSON; 1.27–1.29 offer only v2beta1 then JSON. We honour the client's order of preference.
 */
export function negotiateDiscovery(accept: string | undefined): DiscoveryFormat {
  for (const part of (accept ?? '').split(',')) {
    const params = new Map(part.split(';').slice(1).map((p) => {
      const [k = '', v = ''] = p.split('=');
      return [k.trim(), v.trim()] as const;
    }));
    if (params.get('g') !== 'apidiscovery.k8s.io' || params.get('as') !== 'APIGroupDiscoveryList') continue;
    const v = params.get('v');
    if (v === 'v2' || v === 'v2beta1') return v;
  }
  return 'legacy';
}

/** The Content-Type kube answers aggregated discovery with (clients check it to decide how to decode). */
export function discoveryContentType(format: Exclude<DiscoveryFormat, 'legacy'>): string {
  return `application/json;g=apidiscovery.k8s.io;v=${format};as=APIGroupDiscoveryList`;
}

/**
 * The aggregated document for `/apis` (`/api` is core-v1.ts). v2 and v2beta1 have the same JSON
 * shape.
 */
export function apiGroupDiscoveryList(format: Exclude<DiscoveryFormat, 'legacy'>,
  resources: readonly ResourceType[] = RESOURCE_TYPES): object {
  const apiVersion = `apidiscovery.k8s.io/${format}`;
  const items = servedGroups(resources).map((g) => ({
    metadata: { name: g.name, creationTimestamp: null },
    versions: g.versions.map(({ version }) => ({
      version,
      resources: resources.filter((r) => r.group === g.name && r.versions.includes(version)).map((r) => ({
        resource: r.plural,
        responseKind: { group: r.group, version, kind: r.kind },
        scope: r.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: r.singular,
        verbs: [...RESOURCE_VERBS],
        shortNames: [...r.shortNames],
      })),
      freshness: 'Current',
    })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
}

/** A strong ETag for a JSON document (kube sends one on aggregated discovery; clients revalidate with If-None-Match). */
export function etagOf(body: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 32)}"`;
}

/**
 * The core (`v1`) group as Docket serves it: one read-only resource, `namespaces` (GET by name).
 *
 * Why anything at all: kubectl needs `v1` in discovery (its REST mapper registers kind `List` per
 * discovered group-version, so `kubectl create -f` of a `kind: List` file fails without it), yet
 * an empty `v1` makes client-go report "received empty response for: v1" and `kubectl
 * api-resources` exit 1. And kubectl asks for the namespace after a namespaced 404; Docket accepts
 * reports in any namespace, so every namespace reads as Active and the object's own error shows.
 */
const NAMESPACES = { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get'], shortNames: ['ns'] };

/** `GET /api` (legacy discovery). */
export function coreApiVersions(): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }] };
}

/** `GET /api/v1`. */
export function coreV1ResourceList(): object {
  return { kind: 'APIResourceList', groupVersion: 'v1', resources: [NAMESPACES] };
}

/** `GET /api` as aggregated discovery (v2 and v2beta1 share the shape). */
export function coreAggregatedDiscovery(format: 'v2' | 'v2beta1'): object {
  return {
    kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${format}`, metadata: {},
    items: [{
      metadata: { creationTimestamp: null },
      versions: [{
        version: 'v1', freshness: 'Current',
        resources: [{
          resource: 'namespaces', responseKind: { group: '', version: 'v1', kind: 'Namespace' }, scope: 'Cluster',
          singularResource: 'namespace', verbs: ['get'], shortNames: ['ns'],
        }],
      }],
    }],
  };
}

/** `GET /api/v1/namespaces/{name}`: always an Active namespace. */
export function namespaceObject(name: string): object {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
}

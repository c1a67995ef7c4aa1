/**
 * Resolves the resource a URL addresses from RESOURCE_TYPES. The routes are generic
 * (`/apis/:group/:version/...`), so an unknown group, version or plural, or a scope mismatch
 * (a cluster-scoped kind under /namespaces/), is a 404 like kube's.
 */
import { findResource, MethodNotAllowedError, NotFoundError, type ResourceType } from '@docket/model';
import type { CollectionRef, ObjectKey } from '@docket/store';

export interface RequestScope {
  resource: ResourceType;
  /** The version the client speaks (request and response bodies). */
  version: string;
  /** '' for cluster-scoped resources; undefined for a namespaced resource read across all namespaces. */
  namespace: string | undefined;
  name?: string;
}

export interface ScopeParams {
  group: string;
  version: string;
  plural: string;
  namespace?: string;
  name?: string;
}

const NOT_FOUND = 'the server could not find the requested resource';

/** Resolves URL params; `namespaced` says whether the URL had the /namespaces/{ns}/ segment. */
export function resolveScope(p: ScopeParams, namespaced: boolean): RequestScope {
  const resource = findResource(p.group, p.version, p.plural);
  if (!resource) throw new NotFoundError(NOT_FOUND);
  if (namespaced && !resource.namespaced) throw new NotFoundError(NOT_FOUND);
  // A namespaced kind at /apis/g/v/plural is the all-namespaces collection; /plural/name does not exist.
  if (!namespaced && resource.namespaced && p.name !== undefined) throw new NotFoundError(NOT_FOUND);
  const namespace = namespaced ? p.namespace : resource.namespaced ? undefined : '';
  const scope: RequestScope = { resource, version: p.version, namespace };
  if (p.name !== undefined) scope.name = p.name;
  return scope;
}

/** The namespace of a write; writes need a concrete one (405 for the all-namespaces collection). */
export function writeNamespace(scope: RequestScope): string {
  if (scope.namespace === undefined) {
    throw new MethodNotAllowedError('the server does not allow this method on the requested resource');
  }
  return scope.namespace;
}

export function keyOf(scope: RequestScope, name: string): ObjectKey {
  return { group: scope.resource.group, resource: scope.resource.plural, namespace: writeNamespace(scope), name };
}

export function refOf(scope: RequestScope): CollectionRef {
  const ref: CollectionRef = { group: scope.resource.group, resource: scope.resource.plural };
  if (scope.namespace !== undefined) ref.namespace = scope.namespace;
  return ref;
}

/** `group/version` as it appears in apiVersion. */
export function apiVersionOf(scope: RequestScope): string {
  return `${scope.resource.group}/${scope.version}`;
}

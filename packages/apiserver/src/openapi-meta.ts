/**
 * OpenAPI schemas of the apimachinery meta types every report references (ObjectMeta, ListMeta,
 * Status, DeleteOptions, Patch, WatchEvent…), keyed by kube's definition names. `kubectl explain`
 * follows these references to describe `.metadata`; the descriptions are our own words.
 * `ref(name)` produces the v3 `$ref`; openapi.ts rewrites it for swagger 2.0.
 */

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });
const str = (description: string): object => ({ type: 'string', description });
const strMap = (description: string): object => ({ type: 'object', additionalProperties: { type: 'string', default: '' }, description });
const strList = (description: string): object => ({ type: 'array', items: { type: 'string', default: '' }, description });
const refd = (name: string, description: string): object => ({ allOf: [ref(name)], default: {}, description });
const timeRef = (description: string): object => ({ allOf: [ref(`${META}.Time`)], description });

/** Definitions for `components.schemas` (v3) / `definitions` (v2). */
export function metaSchemas(): Record<string, object> {
  return {
    [`${META}.Time`]: { type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form, at second precision.' },
    [`${META}.MicroTime`]: { type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form with microseconds.' },
    [`${META}.FieldsV1`]: { type: 'object', description: 'The set of fields a manager owns, as a trie of "f:<name>", "k:<key>" and "v:<value>" entries.' },
    [`${META}.ManagedFieldsEntry`]: {
      type: 'object',
      description: 'Records which fields one field manager owns and how it last wrote them.',
      properties: {
        apiVersion: str('The API version of the object the fields were recorded against.'),
        fieldsType: str('The format of fieldsV1; only "FieldsV1" exists.'),
        fieldsV1: refd(`${META}.FieldsV1`, 'The fields owned by this manager.'),
        manager: str('The name of the field manager (the fieldManager query parameter, or one derived from the User-Agent).'),
        operation: str('"Apply" for server-side apply, "Update" for every other write.'),
        subresource: str('The subresource the write went to; empty for the main resource.'),
        time: timeRef('When this manager last changed its fields.'),
      },
    },
    [`${META}.OwnerReference`]: {
      type: 'object', required: ['apiVersion', 'kind', 'name', 'uid'],
      description: 'Points at the object that owns this one; the garbage collector deletes owned objects with their owner.',
      properties: {
        apiVersion: { ...str('API version of the owner.'), default: '' },
        blockOwnerDeletion: { type: 'boolean', description: 'With foreground deletion, the owner waits until this object is gone.' },
        controller: { type: 'boolean', description: 'True when the owner is the managing controller.' },
        kind: { ...str('Kind of the owner.'), default: '' },
        name: { ...str('Name of the owner.'), default: '' },
        uid: { ...str('UID of the owner.'), default: '' },
      },
      'x-kubernetes-map-type': 'atomic',
    },
    [`${META}.ObjectMeta`]: {
      type: 'object',
      description: 'Metadata every persisted object has: identity, labels, annotations and lifecycle bookkeeping.',
      properties: {
        annotations: strMap('Free-form key/value data for tools; not used for selection.'),
        creationTimestamp: timeRef('When the server created the object. Read-only.'),
        deletionGracePeriodSeconds: { type: 'integer', format: 'int64', description: 'Seconds allowed for graceful termination once deletion is requested. Read-only.' },
        deletionTimestamp: timeRef('When deletion was requested; the object remains until its finalizers are removed. Read-only.'),
        finalizers: { ...strList('Names that must be removed before the object is deleted.'), 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
        generateName: str('A prefix from which the server generates a unique name when name is empty.'),
        generation: { type: 'integer', format: 'int64', description: 'Incremented when the object\'s content (outside metadata) changes. Read-only.' },
        labels: strMap('Key/value pairs used to select and group objects (labelSelector).'),
        managedFields: { type: 'array', items: refd(`${META}.ManagedFieldsEntry`, ''), description: 'Which field manager owns which fields; maintained by the server.' },
        name: str('Unique within the namespace. Cannot be changed after creation.'),
        namespace: str('The namespace the object lives in; empty for cluster-scoped objects.'),
        ownerReferences: {
          type: 'array', items: refd(`${META}.OwnerReference`, ''),
          description: 'Objects this one depends on; when all are deleted, this one is garbage collected.',
          'x-kubernetes-list-map-keys': ['uid'], 'x-kubernetes-list-type': 'map',
          'x-kubernetes-patch-merge-key': 'uid', 'x-kubernetes-patch-strategy': 'merge',
        },
        resourceVersion: str('Opaque version of this object, changed on every write; used for optimistic concurrency and watches. Read-only.'),
        selfLink: str('Deprecated and never set.'),
        uid: str('Unique identifier assigned by the server at creation. Read-only.'),
      },
    },
    [`${META}.ListMeta`]: {
      type: 'object', description: 'Metadata of a list response.',
      properties: {
        continue: str('Token to fetch the next page (pass as ?continue=); absent on the last page.'),
        remainingItemCount: { type: 'integer', format: 'int64', description: 'How many items follow this page; may be an estimate.' },
        resourceVersion: str('The snapshot version this list reflects; start a watch from it.'),
        selfLink: str('Deprecated and never set.'),
      },
    },
    [`${META}.StatusCause`]: {
      type: 'object', description: 'One reason an operation failed.',
      properties: { field: str('The offending field path, e.g. "results[0].result".'), message: str('Human-readable explanation.'), reason: str('Machine-readable reason.') },
    },
    [`${META}.StatusDetails`]: {
      type: 'object', description: 'Extra data about a failure.',
      properties: {
        causes: { type: 'array', items: refd(`${META}.StatusCause`, ''), description: 'Individual causes.' },
        group: str('Group of the resource.'), kind: str('Kind (plural resource) of the resource.'), name: str('Name of the object.'),
        retryAfterSeconds: { type: 'integer', format: 'int32', description: 'Seconds to wait before retrying.' },
        uid: str('UID of the object.'),
      },
    },
    [`${META}.Status`]: {
      type: 'object', description: 'The result of an operation that returns no object, and every error.',
      properties: {
        apiVersion: str('Always "v1".'), code: { type: 'integer', format: 'int32', description: 'The HTTP status code.' },
        details: refd(`${META}.StatusDetails`, 'Extended data about the failure.'), kind: str('Always "Status".'),
        message: str('Human-readable description.'), metadata: refd(`${META}.ListMeta`, 'Standard list metadata.'),
        reason: str('Machine-readable reason, e.g. NotFound, Conflict, Invalid.'), status: str('"Success" or "Failure".'),
      },
      'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }],
    },
    [`${META}.Preconditions`]: {
      type: 'object', description: 'Conditions that must hold for a delete to proceed.',
      properties: { resourceVersion: str('Required resourceVersion.'), uid: str('Required UID.') },
    },
    [`${META}.DeleteOptions`]: {
      type: 'object', description: 'Options for a delete request.',
      properties: {
        apiVersion: str('API version of this object.'), dryRun: strList('"All" to validate without persisting.'),
        gracePeriodSeconds: { type: 'integer', format: 'int64', description: 'Ignored: reports have no termination period.' },
        kind: str('Kind of this object.'), orphanDependents: { type: 'boolean', description: 'Deprecated; use propagationPolicy.' },
        preconditions: refd(`${META}.Preconditions`, 'Must hold for the delete to proceed.'),
        propagationPolicy: str('Orphan, Background or Foreground.'),
      },
    },
    [`${META}.Patch`]: { type: 'object', description: 'A patch body: JSON Patch, JSON merge patch or an apply configuration.' },
    'io.k8s.apimachinery.pkg.runtime.RawExtension': { type: 'object', description: 'An embedded object.' },
    [`${META}.WatchEvent`]: {
      type: 'object', required: ['type', 'object'], description: 'One event of a watch stream.',
      properties: {
        object: refd('io.k8s.apimachinery.pkg.runtime.RawExtension', 'The object (for DELETED, its last state; for BOOKMARK, only its resourceVersion).'),
        type: { ...str('ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.'), default: '' },
      },
    },
  };
}

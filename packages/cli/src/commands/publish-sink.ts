/**
 * The in-process sink: the report writer's ReportClient seam implemented over Docket's store, so a
 * single-node setup needs no API server hop. Objects are decoded with the model's strict decoder
 * first, as the API server would, so an invalid report fails here the same way (InvalidError).
 */
import { decodeReport, findResource, InvalidError, type ReportObject } from '@docket/model';
import type { ReportStore } from '@docket/store';
import type { CollectionRef, ObjectRef, ReportClient } from '@docket/kube';

function resourceOf(ref: CollectionRef) {
  const resource = findResource(ref.group, ref.version, ref.plural);
  if (!resource) throw new InvalidError(`unknown report resource ${ref.group}/${ref.version} ${ref.plural}`);
  return resource;
}

function keyOf(ref: ObjectRef) {
  return { group: ref.group, resource: ref.plural, namespace: ref.namespace ?? '', name: ref.name };
}

function decode(ref: ObjectRef, obj: ReportObject): ReportObject {
  return decodeReport(obj, { resource: resourceOf(ref), version: ref.version }, { fieldValidation: 'Strict' }).object;
}

/** A ReportClient that reads and writes `store` directly. */
export function createStoreReportClient(store: ReportStore): ReportClient {
  return {
    get: (ref) => store.get(keyOf(ref)),
    create: (ref, obj) => store.create(keyOf(ref), decode(ref, obj)),
    replace: (ref, obj) => store.update(keyOf(ref), decode(ref, obj), { expectedResourceVersion: obj.metadata.resourceVersion }),
    delete: async (ref) => {
      await store.delete(keyOf(ref));
    },
    list: async (ref, opts = {}) => {
      const page = await store.list({ group: ref.group, resource: ref.plural, ...(ref.namespace ? { namespace: ref.namespace } : {}) }, {
        limit: opts.limit, continue: opts.continue,
      });
      return { items: page.items, resourceVersion: page.resourceVersion, ...(page.continue ? { continue: page.continue } : {}) };
    },
  };
}

/**
 * The memory of a report watch: object key → last seen resourceVersion, nothing else, so it grows
 * with the number of live objects and never with history. Pure functions over it decide which
 * events to emit for a watch event and for a relist after 410 Gone.
 */
import type { ReportObject } from '@docket/model';

export type ReportEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ReportEvent {
  type: ReportEventType;
  /**
   * The object as the server sent it. For a DELETED synthesised after a relist, only apiVersion,
   * kind and metadata (name, namespace, the last resourceVersion seen) are known.
   */
  object: ReportObject;
  /** True when the event was inferred from a relist rather than received from a watch. */
  synthetic?: boolean;
}

/** Key of an object within one watch: `namespace/name` (`/name` for cluster-scoped objects). */
export function objectKey(obj: { metadata?: { namespace?: string; name?: string } }): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

/** Records a watched event in `seen` and returns it, or undefined when it brings nothing new. */
export function applyWatchEvent(seen: Map<string, string>, type: ReportEventType, obj: ReportObject): ReportEvent | undefined {
  const key = objectKey(obj);
  const rv = obj.metadata?.resourceVersion ?? '';
  if (type === 'DELETED') {
    if (!seen.delete(key)) return undefined; // never seen (e.g. deleted before our list): nothing to retract
    return { type, object: obj };
  }
  const before = seen.get(key);
  if (before !== undefined && before === rv) return undefined; // replay of a version we already have
  seen.set(key, rv);
  // ADDED for a known key happens when a watch restarts around a delete+recreate; keep the server's word.
  return { type: before === undefined && type === 'MODIFIED' ? 'ADDED' : type, object: obj };
}

/**
 * Reconciles `seen` with a fresh full list (after 410 Gone, or the initial list): ADDED for new
 * keys, MODIFIED for changed resourceVersions, a synthetic DELETED for keys that are gone. Returns
 * the events in list order (deletions last) and replaces the content of `seen`.
 */
export function reconcileList(seen: Map<string, string>, items: readonly ReportObject[], typeMeta: { apiVersion: string; kind: string }): ReportEvent[] {
  const events: ReportEvent[] = [];
  const present = new Set<string>();
  const relist = seen.size > 0; // the first list only describes the initial state
  for (const obj of items) {
    const key = objectKey(obj);
    present.add(key);
    const rv = obj.metadata?.resourceVersion ?? '';
    const before = seen.get(key);
    if (before === undefined) events.push({ type: 'ADDED', object: obj, ...(relist ? { synthetic: true } : {}) });
    else if (before !== rv) events.push({ type: 'MODIFIED', object: obj, synthetic: true });
    seen.set(key, rv);
  }
  for (const [key, rv] of seen) {
    if (present.has(key)) continue;
    seen.delete(key);
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const metadata = { name: key.slice(slash + 1), resourceVersion: rv, ...(namespace ? { namespace } : {}) };
    events.push({ type: 'DELETED', object: { ...typeMeta, metadata }, synthetic: true });
  }
  return events;
}

/**
 * The one storage seam. Both engines (SQLite, PostgreSQL) implement `ReportStore` and pass the
 * shared contract suite in `test/contract.ts`. The API server is the only writer in production;
 * it validates and converts to the hub shape before calling the store, so the store trusts the
 * *shape* of what it gets but owns every Kubernetes object-lifecycle rule: uid, creationTimestamp,
 * generation, resourceVersion, optimistic concurrency, finalizers, the change log.
 */
import type { ReportObject } from '@docket/model';

/** Identifies one object. `namespace` is '' for cluster-scoped resources. */
export interface ObjectKey {
  group: string;
  /** Plural resource name (`policyreports`, `clusterreports`, …). */
  resource: string;
  namespace: string;
  name: string;
}

/** Which collection an operation addresses; `namespace` undefined = all namespaces. */
export interface CollectionRef {
  group: string;
  resource: string;
  namespace?: string;
}

/** A parsed label-selector requirement (from `?labelSelector=`), evaluated in the database. */
export interface LabelRequirement {
  key: string;
  /** `=`/`==` → 'in' with one value, `!=` → 'notin' with one value, `key` → 'exists', `!key` → 'notexists'. */
  op: 'in' | 'notin' | 'exists' | 'notexists';
  values: string[];
}

/** Field paths the store can filter on in SQL. Anything else is rejected by the API with 400. */
export type SelectableField =
  | 'metadata.name'
  | 'metadata.namespace'
  | 'scope.kind'
  | 'scope.name'
  | 'scope.namespace'
  | 'scope.uid'
  | 'source';

export const SELECTABLE_FIELDS: readonly SelectableField[] = [
  'metadata.name', 'metadata.namespace', 'scope.kind', 'scope.name', 'scope.namespace', 'scope.uid', 'source',
];

export interface FieldRequirement {
  field: SelectableField;
  op: '=' | '!=';
  value: string;
}

export interface Selectors {
  labels?: LabelRequirement[];
  fields?: FieldRequirement[];
}

export interface ListOptions extends Selectors {
  /** Page size; undefined or 0 = everything (the store still reads in bounded batches). */
  limit?: number;
  /** Opaque token from a previous page; pins the snapshot resourceVersion of the first page. */
  continue?: string;
  /**
   * Kubernetes semantics: undefined/'' = most recent; '0' = any (we serve most recent);
   * 'N' with match 'NotOlderThan' (default for N) = at least N; with 'Exact' = exactly N
   * (served from history while within the retention window, else GoneError).
   */
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  /**
   * 'full' (default) returns whole objects. 'summary' returns objects without `results`
   * (apiVersion, kind, metadata, scope, scopeSelector, source, configuration, summary): enough
   * for Table output and PartialObjectMetadata, and much cheaper to read.
   */
  projection?: 'full' | 'summary';
}

export interface ListResult {
  items: ReportObject[];
  /** The snapshot resourceVersion this list reflects. */
  resourceVersion: string;
  /** Set when more items follow. */
  continue?: string;
  /** Set with `continue`: how many items remain after this page (may be an estimate: never negative). */
  remainingItemCount?: number;
}

export interface WriteOptions {
  /** Validate and compute the result but persist nothing (`?dryRun=All`). */
  dryRun?: boolean;
}

export interface UpdateOptions extends WriteOptions {
  /**
   * Optimistic concurrency: when set, the write fails with ConflictError unless the stored
   * object's resourceVersion equals it. The API passes the body's metadata.resourceVersion
   * (PUT) or the version it read (patch retry loop).
   */
  expectedResourceVersion?: string;
}

export interface DeleteOptions extends WriteOptions {
  /** Preconditions (`DeleteOptions.preconditions`): fail with ConflictError when they don't hold. */
  expectedResourceVersion?: string;
  expectedUid?: string;
}

export interface DeleteResult {
  /** The object as last stored (with deletionTimestamp set when only marked for deletion). */
  object: ReportObject;
  /** false when finalizers are pending: the object got a deletionTimestamp and still exists. */
  deleted: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent {
  type: WatchEventType;
  /** For BOOKMARK: an object carrying only `metadata.resourceVersion` (and annotations). */
  object: ReportObject;
}

export interface WatchOptions extends Selectors {
  /**
   * undefined/''/'0': start with synthetic ADDED events for every matching object, then live.
   * 'N': every change with resourceVersion > N, then live; GoneError when N is older than the
   * oldest retained change.
   */
  resourceVersion?: string;
  /** With resourceVersion '' or '0' (or NotOlderThan N): send initial state, then a BOOKMARK annotated `k8s.io/initial-events-end: "true"`. */
  sendInitialEvents?: boolean;
  /** Send periodic BOOKMARK events (allowWatchBookmarks). */
  allowBookmarks?: boolean;
}

export interface Watch {
  /** Events in resourceVersion order. Ends (returns) when stopped or the watcher is evicted. */
  events: AsyncIterable<WatchEvent>;
  /** Stop the watch and release its resources; idempotent. */
  stop(): void;
}

/**
 * Filter of `countResults`; every field set must match (exact, case-sensitive). Result attributes
 * are compared as stored: `source` is the result's own source, else its report's.
 */
export interface ResultFilter {
  policy?: string;
  rule?: string;
  result?: string;
  severity?: string;
  category?: string;
  source?: string;
  /** The result's subject: its own `resources[0].uid`, else its report's `scope.uid`. */
  subjectUid?: string;
}

export interface ReportStore {
  /** The engine name, e.g. `sqlite` or `postgres`. */
  readonly engine: string;
  /** The cluster id every row of this store instance carries. */
  readonly clusterId: string;

  /**
   * Creates an object. Sets uid, creationTimestamp, generation=1 and resourceVersion; resolves
   * `metadata.generateName`. Throws AlreadyExistsError if the key exists (never overwrites).
   */
  create(key: ObjectKey, obj: ReportObject, opts?: WriteOptions): Promise<ReportObject>;

  /**
   * Replaces an existing object. Preserves uid and creationTimestamp; bumps generation when
   * anything outside metadata changed; assigns a new resourceVersion. Throws NotFoundError,
   * ConflictError (stale expectedResourceVersion). If the object has a deletionTimestamp and
   * the update empties its finalizers, the object is deleted (result has the final state).
   */
  update(key: ObjectKey, obj: ReportObject, opts?: UpdateOptions): Promise<ReportObject>;

  /** Deletes, or marks for deletion when finalizers are present. NotFoundError if absent. */
  delete(key: ObjectKey, opts?: DeleteOptions): Promise<DeleteResult>;

  /** Deletes every object of a collection matching the selectors; returns what was deleted/marked. */
  deleteCollection(ref: CollectionRef, sel: Selectors, opts?: WriteOptions): Promise<ReportObject[]>;

  get(key: ObjectKey): Promise<ReportObject>;

  /** Lists in (namespace, name) order, selectors evaluated in SQL, keyset pagination over a snapshot. */
  list(ref: CollectionRef, opts?: ListOptions): Promise<ListResult>;

  watch(ref: CollectionRef, opts?: WatchOptions): Promise<Watch>;

  /**
   * Counts the current results of a collection (`ref.namespace` narrows it) matching `filter`,
   * answered from the normalised result rows without reading documents.
   */
  countResults(ref: CollectionRef, filter?: ResultFilter): Promise<number>;

  /** The newest committed resourceVersion. */
  currentResourceVersion(): Promise<string>;

  /** Removes change-log and history entries older than the retention window now; returns the new compacted resourceVersion. */
  compact(): Promise<string>;

  /** Liveness of the underlying database (for /readyz). */
  ping(): Promise<void>;

  close(): Promise<void>;
}

export interface StoreOptions {
  /** Cluster id stamped on every row; default 'default'. */
  clusterId?: string;
  /** How long superseded versions and change-log entries are kept for watch resume and paginated snapshots. Default 5 minutes (like kube-apiserver's compaction interval). */
  historyRetentionMs?: number;
  /** Per-watcher buffered events before a slow watcher is evicted (its stream ends). Default 10000. */
  watchBufferSize?: number;
  /** Interval of BOOKMARK events on watches that allow them. Default 60 s. */
  bookmarkIntervalMs?: number;
}

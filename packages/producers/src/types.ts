import type { ZodType } from 'zod';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ObjectReference, ReportResult } from '@docket/model';

/**
 * Which report a mapped result belongs to. The report writer turns it into a report name,
 * `scope`, ownerReferences (it resolves the scope's uid) and the kind: namespaced
 * (PolicyReport/Report) when `namespace` is set, cluster-scoped (ClusterPolicyReport/ClusterReport)
 * otherwise.
 */
export interface ReportKey {
  /** The producer type (`hubble`, `kubearmor`, ...): reports of different producers never mix. */
  producer: string;
  /** Report namespace; absent for a cluster-scoped report. */
  namespace?: string;
  /**
   * The resource the whole report is about: a Pod for runtime events, a Node for host events, the
   * scanned workload for Trivy k8s scans. `uid` is usually unknown to the producer.
   */
  scope?: ObjectReference;
  /** A fixed report name for reports that have no scope to be named after (`kube-bench-master`). */
  name?: string;
}

/**
 * One result ready for the writer. `result.properties.resultID` (= `resultId`) is stable across
 * repeated events of the same finding, so the writer can merge them (count, first/last seen)
 * instead of appending; `result.timestamp` is the event's own time.
 */
export interface MappedResult {
  reportKey: ReportKey;
  resultId: string;
  result: ReportResult;
}

/** Why an input produced no result. `malformed` inputs are counted apart from deliberate filtering. */
export interface Skip {
  skip: string;
  malformed?: boolean;
}

export type MapOutcome = MappedResult | Skip;

export function isSkip(o: MapOutcome): o is Skip {
  return (o as Skip).skip !== undefined;
}

/** Connection state of a streaming source, for readiness and metrics. */
export type SourceState = 'connecting' | 'streaming' | 'backoff' | 'stopped';

/**
 * Callbacks a source reports through. The writer's queue sits behind `onResult`; everything else
 * feeds logs and metrics. Callbacks must not throw (a throw is logged and the event counted as lost).
 */
export interface SourceHooks {
  onResult(mapped: MappedResult): void;
  /** An input was filtered or malformed; `reason` is short and stable enough to be a metric label. */
  onSkip?(skip: Skip): void;
  /** The peer reported events it could not deliver (Hubble `lost_events`). */
  onLost?(count: number, detail: string): void;
  onState?(state: SourceState, detail?: string): void;
}

/** Structured logger; a pino logger satisfies it. */
export interface ProducerLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What the composition root hands every producer; nothing is read from globals. */
export interface ProducerDeps {
  logger: ProducerLogger;
  /** Current time in epoch milliseconds (scan time for Trivy/kube-bench input without its own). */
  now: () => number;
  /** Waits `ms` unless `signal` aborts first (resolves either way). Defaults to a timer. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Uniform [0, 1) for backoff jitter. Defaults to Math.random. */
  random?: () => number;
  /** Where `-` inputs are read from (Trivy, kube-bench). */
  stdin?: NodeJS.ReadableStream;
  /** The cluster to read from, for producers that watch Kubernetes objects (Kyverno events, trivy-operator). */
  kube?: KubeConfig;
}

/** A configured producer: runs until `signal` aborts (streams, HTTP) or its input is consumed (files). */
export interface Producer {
  readonly type: string;
  run(hooks: SourceHooks, signal: AbortSignal): Promise<void>;
}

/**
 * The one seam every producer implements (STYLE 1): `type` is the folder name, config key,
 * registry key and metric label.
 */
export interface ProducerDefinition<C = unknown> {
  type: string;
  configSchema: ZodType<C>;
  create(config: C, deps: ProducerDeps): Producer;
}

export function defineProducer<C>(definition: ProducerDefinition<C>): ProducerDefinition<C> {
  return definition;
}

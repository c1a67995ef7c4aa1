/**
 * The running part of `docket publish`: every configured producer feeds its own report writer
 * (reports of different producers never share an object, so writers never conflict with each
 * other), with metrics per adapter and the report owner looked up on the way. One `runTerm` is
 * one stretch of writing: the whole process without leader election, one leadership otherwise.
 */
import type { ReportWriter, WriterReportKey } from '@docket/kube';
import type { OwnerReference } from '@docket/model';
import { reportKeyId, reportName, type MappedResult, type Producer, type ProducerLogger, type ReportKey, type Skip, type SourceHooks } from '@docket/producers';
import type { OwnerResolver } from './publish-owners.ts';
import { dropReason, type PublishMetrics } from './publish-metrics.ts';

export type AdapterState = 'idle' | 'connecting' | 'streaming' | 'backoff' | 'stopped' | 'done' | 'failed';

export interface AdapterSpec {
  type: string;
  producer: Producer;
  writer: ReportWriter;
}

export interface TermOptions {
  owners: OwnerResolver;
  metrics: PublishMetrics;
  logger: ProducerLogger;
  logReports: boolean;
  /** Adapter states shared with /readyz; updated in place. */
  states: Map<string, AdapterState>;
  /** Every skipped input, for the caller's own accounting (a one-shot run fails on unreadable files). */
  onSkip?(adapter: string, skip: Skip): void;
}

/** The writer's key for a producer's report key: deterministic name, scope with the uid once known. */
export function toWriterKey(key: ReportKey, owner: OwnerReference | undefined): WriterReportKey {
  const scope = key.scope && owner && !key.scope.uid ? { ...key.scope, uid: owner.uid } : key.scope;
  return { ...(key.namespace ? { namespace: key.namespace } : {}), name: reportName(key), ...(scope ? { scope } : {}) };
}

interface AdapterRun {
  hooks: SourceHooks;
  /** Resolves when every result handed to hooks has reached the writer. */
  settled(): Promise<void>;
}

function adapterHooks(spec: AdapterSpec, o: TermOptions): AdapterRun {
  const { type, writer } = spec;
  const { metrics, logger } = o;
  // Results of a report whose owner is being looked up wait here, in arrival order.
  const waiting = new Map<string, MappedResult[]>();
  const lookups = new Set<Promise<void>>();
  const add = (m: MappedResult, owner: OwnerReference | undefined) => {
    try {
      writer.add(toWriterKey(m.reportKey, owner), m.result, owner);
    } catch (e) {
      metrics.dropped(type, 'closed');
      logger.warn({ adapter: type, err: e }, 'result arrived after the writer closed');
    }
  };
  const setState = (s: AdapterState) => {
    o.states.set(type, s);
    metrics.adapterUp(type, s === 'streaming' || s === 'done');
  };
  const hooks: SourceHooks = {
    onResult(m) {
      metrics.received(type);
      metrics.mapped(type);
      if (o.logReports) logger.info({ adapter: type, report: reportName(m.reportKey), namespace: m.reportKey.namespace, result: m.result }, 'mapped result');
      const id = reportKeyId(m.reportKey);
      const queue = waiting.get(id);
      if (queue) return void queue.push(m);
      const owner = o.owners.resolve(m.reportKey);
      if (!(owner instanceof Promise)) return add(m, owner);
      const q = [m];
      waiting.set(id, q);
      const done = owner.then((found) => {
        waiting.delete(id);
        for (const x of q) add(x, found);
      });
      lookups.add(done);
      void done.finally(() => lookups.delete(done));
    },
    onSkip(skip) {
      metrics.received(type);
      metrics.dropped(type, dropReason(skip));
      o.onSkip?.(type, skip);
      if (skip.malformed) logger.warn({ adapter: type, reason: skip.skip }, 'malformed event skipped');
      else logger.debug({ adapter: type, reason: skip.skip }, 'event skipped');
    },
    onLost(count, detail) {
      metrics.lost(type, count);
      logger.warn({ adapter: type, count, detail }, 'source lost events');
    },
    onState(state, detail) {
      if (state === 'backoff') metrics.reconnect(type);
      if (state === 'backoff' || state === 'stopped') logger.info({ adapter: type, state, detail }, 'adapter state');
      setState(state);
    },
  };
  return { hooks, settled: async () => { while (lookups.size > 0) await Promise.all([...lookups]); } };
}

/**
 * Runs the producers until `signal` aborts or, when every producer finishes on its own (scan
 * files), until they are done; then hands every pending result to its writer and closes the
 * writers, which flushes them (the graceful-shutdown path). Rejects only if a final flush fails.
 */
export async function runTerm(adapters: readonly AdapterSpec[], signal: AbortSignal, o: TermOptions): Promise<void> {
  const runs = adapters.map(async (spec) => {
    const run = adapterHooks(spec, o);
    o.states.set(spec.type, 'connecting');
    try {
      await spec.producer.run(run.hooks, signal);
      if (!signal.aborted) {
        o.states.set(spec.type, 'done');
        o.metrics.adapterUp(spec.type, true);
        o.logger.info({ adapter: spec.type }, 'adapter finished its input');
      }
    } catch (e) {
      o.states.set(spec.type, 'failed');
      o.metrics.adapterUp(spec.type, false);
      o.logger.error({ adapter: spec.type, err: e }, 'adapter failed');
    } finally {
      await run.settled();
    }
  });
  await Promise.all(runs);
  const closed = await Promise.allSettled(adapters.map(async (spec) => {
    await spec.writer.close();
    o.metrics.pending(spec.type, spec.writer.stats().pendingResults);
  }));
  const failed = closed.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) {
    throw new AggregateError(failed.map((f) => f.reason as Error), `final flush failed for ${failed.length} adapter(s): ${failed.map((f) => (f.reason as Error).message).join('; ')}`);
  }
}

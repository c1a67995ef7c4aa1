/**
 * Pure step from a tracker outcome to outbox rows: per new result and target, the filter decides
 * (with a reason when it skips), and the key makes the row idempotent. Keys depend only on data
 * every replica sees the same way (report key, result id, the report's resourceVersion where the
 * result appeared), so two replicas, or one replica before and after a restart, enqueue the same
 * (target, key) and the outbox inserts it once.
 */
import { toFilterContext, type IdOf, type ObserveOutcome, type RemovedRef, type ResultRef } from '@docket/core';
import type { ReportObject, ReportResult } from '@docket/model';
import type { NewDelivery } from '@docket/store';
import type { Notification } from '@docket/targets';
import type { CompiledTarget } from './targets.ts';

/** Namespace → its labels, when known (for `namespaces.selector` filters). */
export type NamespaceLabels = (namespace: string) => Readonly<Record<string, string>> | undefined;

export interface DetectContext {
  targets: readonly CompiledTarget[];
  /** Result id within a report: the tracker's (`createIdOf` with the same custom id fields). */
  idOf: IdOf;
  namespaceLabels?: NamespaceLabels;
  /** Called for every skip (debug log + metrics). */
  onSkip?(target: CompiledTarget, reason: string, ref: { reportKey: string; id: string }): void;
  /**
   * Treat pre-existing results as new (resume after the cursor was compacted: whatever was missed
   * must be sent; deterministic keys drop those already enqueued).
   */
  ignorePreExisting?: boolean;
}

/** The idempotency key of a result notification. */
export function deliveryKey(reportKey: string, id: string, resourceVersion: string, fixed = false): string {
  return `${reportKey}#${id}@${resourceVersion}${fixed ? '!fixed' : ''}`;
}

/** The @docket/targets notification for one result of a report. */
export function toNotification(report: ReportObject, id: string, result: ReportResult, fixed = false): Notification {
  const md = report.metadata;
  const n: Notification = {
    resultId: id,
    result,
    report: {
      name: md.name ?? '',
      ...(md.namespace ? { namespace: md.namespace } : {}),
      kind: report.kind,
      ...(md.labels && Object.keys(md.labels).length > 0 ? { labels: md.labels } : {}),
    },
  };
  if (report.scope) n.scope = report.scope;
  const source = result.source || report.source;
  if (source) n.source = source;
  if (fixed) n.fixed = true;
  return n;
}

/**
 * Deliveries for a changed report. `added` go to every target whose filter passes (pre-existing
 * ones only to targets without skipExistingOnStartup); `returned` (back within the flap window)
 * only re-fire on resolving targets; `removed` become `fixed` notifications for resolving targets
 * when `previous` (the report as it was before) still has the result.
 */
export function deliveriesFor(
  report: ReportObject, outcome: ObserveOutcome, ctx: DetectContext, previous?: ReportObject,
): NewDelivery[] {
  const out: NewDelivery[] = [];
  const rv = report.metadata.resourceVersion ?? '';
  for (const ref of outcome.added) addFor(out, report, ref, rv, ctx, false);
  if (outcome.returned.length > 0 && ctx.targets.some((t) => t.resolvesFixed)) {
    for (const ref of outcome.returned) addFor(out, report, ref, rv, ctx, true);
  }
  if (outcome.removed.length > 0 && previous) out.push(...fixedFor(previous, outcome.removed, rv, ctx));
  return out;
}

function addFor(out: NewDelivery[], report: ReportObject, ref: ResultRef, rv: string, ctx: DetectContext, resolvingOnly: boolean): void {
  let fc: ReturnType<typeof toFilterContext> | undefined;
  let payload: Notification | undefined;
  for (const t of ctx.targets) {
    if (resolvingOnly && !t.resolvesFixed) continue;
    if (ref.preExisting && t.skipExistingOnStartup && !ctx.ignorePreExisting) continue;
    fc ??= contextFor(report, ref.result, ctx);
    const reason = t.filter(fc);
    if (reason !== undefined) {
      ctx.onSkip?.(t, reason, ref);
      continue;
    }
    payload ??= toNotification(report, ref.id, ref.result);
    out.push({ target: t.name, key: deliveryKey(ref.reportKey, ref.id, rv), payload });
  }
}

/** `fixed` notifications for the results `removed` from `previous` (its last known state). */
export function fixedFor(previous: ReportObject, removed: readonly RemovedRef[], rv: string, ctx: DetectContext): NewDelivery[] {
  const resolving = ctx.targets.filter((t) => t.resolvesFixed);
  if (resolving.length === 0 || removed.length === 0) return [];
  const wanted = new Map(removed.map((r) => [r.id, r]));
  const out: NewDelivery[] = [];
  for (const result of previous.results ?? []) {
    const ref = wanted.get(ctx.idOf(previous, result));
    if (!ref) continue;
    wanted.delete(ref.id);
    const fc = contextFor(previous, result, ctx);
    for (const t of resolving) {
      const reason = t.filter(fc);
      if (reason !== undefined) { ctx.onSkip?.(t, reason, ref); continue; }
      out.push({ target: t.name, key: deliveryKey(ref.reportKey, ref.id, rv, true), payload: toNotification(previous, ref.id, result, true) });
    }
  }
  return out;
}

function contextFor(report: ReportObject, result: ReportResult, ctx: DetectContext) {
  const base = toFilterContext(report, result);
  if (ctx.namespaceLabels && base.namespace) {
    const labels = ctx.namespaceLabels(base.namespace);
    if (labels) base.namespaceLabels = labels;
  }
  return base;
}

import type { ReportObject, ReportResult } from '@docket/model';
import { createIdOf, packId, reportKeyOf, unpackId, type CustomIdFields, type IdOf } from './diff-ids.ts';
import { createExpiryQueue, DEFAULT_DELETED_REPORT_GRACE_MS, DEFAULT_FLAP_WINDOW_MS, type ExpiryQueue } from './flap.ts';
import { NOTIFIABLE_STATUSES } from './severity.ts';

/** A result that is new (or came back) in a report. */
export interface ResultRef {
  reportKey: string;
  id: string;
  result: ReportResult;
  /**
   * The result already existed when Docket started: it was in a report first seen during start-up,
   * or its timestamp predates `startedAt`. Targets with `skipExistingOnStartup` drop these.
   */
  preExisting: boolean;
}

/** A result that left its report (fixed, turned pass/skip, or the report was deleted). */
export interface RemovedRef {
  reportKey: string;
  id: string;
}

export interface ObserveOutcome {
  /** Notifiable results never seen before for this report (or forgotten since). */
  added: ResultRef[];
  /** Notifiable results present last time and gone now: "fixed". */
  removed: RemovedRef[];
  /**
   * Results that came back within the flap window: not new, so chat-like targets stay quiet, but
   * stateful targets that resolved them on removal (Alertmanager) may want to re-fire.
   */
  returned: ResultRef[];
}

export interface ResultTrackerOptions {
  /** Statuses that are tracked and notified; default warn, fail, error. */
  statuses?: readonly string[];
  /** Custom id fields per source, passed to `resultId` (see `createIdOf`). */
  customIdFields?: CustomIdFields;
  /** How long a removed result is remembered so its return is not new; default 6 h. */
  flapWindowMs?: number;
  /** How long a deleted report's results are remembered; default 10 min; 0 forgets at once. */
  deletedReportGraceMs?: number;
  /** Cap on remembered removals across all reports; the oldest go first. Default 1,000,000. */
  maxRemembered?: number;
  /**
   * Priming: while starting up (until `endStartup()`), the first observation of a report the tracker
   * does not know marks its results seen; with `skipExisting` they are not emitted at all, without it
   * they are emitted with `preExisting: true` so each target can decide.
   */
  skipExisting?: boolean;
  /** Process start (ms). When set, results whose own timestamp is older are `preExisting` too. */
  startedAt?: number;
  /** Report key; default `reportKeyOf` (group/kind/namespace/name). */
  keyOf?: (report: ReportObject) => string;
}

/** The tracker's state as plain data, for persisting in the store. Ids are the original strings. */
export interface TrackerSnapshot {
  version: 1;
  reports: Array<{ key: string; seen: string[]; gone?: Array<[id: string, expiresAt: number]> }>;
}

export interface ResultTracker {
  /** Diffs a report's current results against what was seen for it. `now` is ms since the epoch. */
  observe(report: ReportObject, now: number): ObserveOutcome;
  /** The report was deleted: all its results are removed (fixed) and kept only for the deletion grace. */
  forget(report: ReportObject | string, now: number): RemovedRef[];
  /**
   * Keys of the reports the tracker holds state for. After a (re)list, `forget` those the list no
   * longer has: they were deleted while the watch was down or Docket was not running.
   */
  knownReports(): string[];
  /** Start-up is over: unknown reports seen from now on are news. */
  endStartup(): void;
  /** Drops expired removals; observe/forget do this too, call it when idle to release memory. */
  sweep(now: number): void;
  /** Counts of reports, seen ids and remembered removals. */
  stats(): { reports: number; seen: number; remembered: number };
  snapshot(): TrackerSnapshot;
  /** Replaces the whole state with a snapshot's; removals already expired at `now` are dropped. */
  restore(snapshot: TrackerSnapshot, now: number): void;
}

interface ReportState {
  key: string;
  /** Packed keys of notifiable results present now. */
  seen: Set<string>;
  /** Packed key → expiry-queue sequence number of its removal. */
  gone: Map<string, number> | undefined;
}

/**
 * Creates the new-result tracker (DESIGN decision 5, reference §1.5): per report, the set of result
 * ids seen; new = not seen before for that report. Pure apart from its own memory: time is passed in.
 * Memory: about one compact key per held result plus one per remembered removal (bounded).
 */
export function createResultTracker(options: ResultTrackerOptions = {}): ResultTracker {
  const statuses = new Set(options.statuses ?? NOTIFIABLE_STATUSES);
  const idOf: IdOf = createIdOf(options.customIdFields);
  const keyOf = options.keyOf ?? reportKeyOf;
  const flapWindow = options.flapWindowMs ?? DEFAULT_FLAP_WINDOW_MS;
  const deleteGrace = options.deletedReportGraceMs ?? DEFAULT_DELETED_REPORT_GRACE_MS;
  const max = options.maxRemembered ?? 1_000_000;
  const startedAtSeconds = options.startedAt === undefined ? undefined : options.startedAt / 1000;
  let starting = true;
  let reports = new Map<string, ReportState>();
  // Two queues because each is only time-ordered for one window length.
  let flapQueue: ExpiryQueue<ReportState> = createExpiryQueue(max, 0, 2);
  let deleteQueue: ExpiryQueue<ReportState> = createExpiryQueue(max, 1, 2);

  const onExpire = (state: ReportState, key: string, seq: number) => {
    if (state.gone?.get(key) !== seq) return; // came back, or removed again later
    state.gone.delete(key);
    if (state.gone.size === 0) state.gone = undefined;
    dropIfEmpty(state);
  };
  const dropIfEmpty = (state: ReportState) => {
    if (state.seen.size === 0 && state.gone === undefined && reports.get(state.key) === state) reports.delete(state.key);
  };
  const sweep = (now: number) => {
    flapQueue.sweep(now, onExpire);
    deleteQueue.sweep(now, onExpire);
  };
  const remember = (state: ReportState, key: string, queue: ExpiryQueue<ReportState>, expiresAt: number) => {
    (state.gone ??= new Map()).set(key, queue.push(state, key, expiresAt));
  };

  return {
    observe(report, now) {
      sweep(now);
      const reportKey = keyOf(report);
      let state = reports.get(reportKey);
      const firstSight = state === undefined;
      if (!state) reports.set(reportKey, state = { key: reportKey, seen: new Set(), gone: undefined });
      const current = new Map<string, ResultRef>();
      for (const result of report.results ?? []) {
        if (result.result === undefined || !statuses.has(result.result)) continue;
        const id = idOf(report, result);
        const packed = packId(id);
        if (!current.has(packed)) current.set(packed, { reportKey, id, result, preExisting: false });
      }
      const outcome: ObserveOutcome = { added: [], removed: [], returned: [] };
      for (const key of state.seen) {
        if (current.has(key)) continue;
        state.seen.delete(key);
        outcome.removed.push({ reportKey, id: unpackId(key) });
        if (flapWindow > 0) remember(state, key, flapQueue, now + flapWindow);
      }
      const priming = firstSight && starting;
      for (const [key, ref] of current) {
        if (state.seen.has(key)) continue;
        state.seen.add(key);
        if (state.gone?.delete(key)) {
          if (state.gone.size === 0) state.gone = undefined;
          outcome.returned.push(ref);
          continue;
        }
        const ts = ref.result.timestamp;
        ref.preExisting = priming || (startedAtSeconds !== undefined && ts !== undefined && ts.seconds < startedAtSeconds);
        if (!(ref.preExisting && options.skipExisting)) outcome.added.push(ref);
      }
      dropIfEmpty(state);
      return outcome;
    },

    forget(report, now) {
      sweep(now);
      const reportKey = typeof report === 'string' ? report : keyOf(report);
      const state = reports.get(reportKey);
      if (!state) return [];
      const removed: RemovedRef[] = [];
      for (const key of state.seen) {
        removed.push({ reportKey, id: unpackId(key) });
        if (deleteGrace > 0) remember(state, key, deleteQueue, now + deleteGrace);
      }
      state.seen.clear();
      dropIfEmpty(state);
      return removed;
    },

    knownReports() { return [...reports.keys()]; },

    endStartup() { starting = false; },

    sweep,

    stats() {
      let seen = 0;
      let remembered = 0;
      for (const s of reports.values()) { seen += s.seen.size; remembered += s.gone?.size ?? 0; }
      return { reports: reports.size, seen, remembered };
    },

    snapshot() {
      const queueOf = (seq: number) => flapQueue.expiresAt(seq) ?? deleteQueue.expiresAt(seq);
      const out: TrackerSnapshot = { version: 1, reports: [] };
      for (const s of reports.values()) {
        const entry: TrackerSnapshot['reports'][number] = { key: s.key, seen: [...s.seen].map(unpackId) };
        if (s.gone) entry.gone = [...s.gone].map(([k, seq]): [string, number] => [unpackId(k), queueOf(seq) ?? 0]);
        out.reports.push(entry);
      }
      return out;
    },

    restore(snapshot, now) {
      if (snapshot.version !== 1) throw new Error(`unsupported tracker snapshot version ${String(snapshot.version)}`);
      reports = new Map();
      flapQueue = createExpiryQueue(max, 0, 2);
      deleteQueue = createExpiryQueue(max, 1, 2);
      const gone: Array<[ReportState, string, number]> = [];
      for (const r of snapshot.reports) {
        const state: ReportState = { key: r.key, seen: new Set(r.seen.map(packId)), gone: undefined };
        reports.set(r.key, state);
        for (const [id, expiresAt] of r.gone ?? []) if (expiresAt > now) gone.push([state, packId(id), expiresAt]);
      }
      // Restored removals all go to the flap queue in expiry order; each still expires at its own time.
      gone.sort((a, b) => a[2] - b[2]);
      for (const [state, key, expiresAt] of gone) remember(state, key, flapQueue, expiresAt);
      for (const state of reports.values()) dropIfEmpty(state);
    },
  };
}

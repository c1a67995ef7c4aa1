import type { ZodType } from 'zod';
import type { ObjectReference, ReportResult } from '@docket/model';
import { withTls } from './tls-fetch.ts';

/**
 * One new (or, for resolve-style targets, fixed) result together with the report it came from.
 * The dispatcher builds these from the outbox; targets only read them.
 */
export interface Notification {
  /** Stable result identity (core `resultId`); the idempotency key for deliveries. */
  resultId: string;
  result: ReportResult;
  report: {
    name: string;
    namespace?: string;
    /** `PolicyReport`, `ClusterPolicyReport`, `Report`, `ClusterReport`. */
    kind?: string;
    labels?: Record<string, string>;
  };
  /** The report's scope (the resource the whole report is about), when it has one. */
  scope?: ObjectReference;
  /** Result source, falling back to the report's source. */
  source?: string;
  /** True when the result disappeared from its report: resolve-style targets (Alertmanager) close it. */
  fixed?: boolean;
}

/** The subset of the WHATWG `fetch` signature targets use; the composition root may wrap it (TLS, proxy). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Structured logger; a pino logger satisfies it. */
export interface TargetLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What every target gets from the composition root: no globals are read inside targets. */
export interface TargetDeps {
  fetch: FetchLike;
  /** Current time in epoch milliseconds. */
  now: () => number;
  logger: TargetLogger;
}

/** Per-send context: the dispatcher's deadline/cancellation travels in `signal`. */
export interface SendContext {
  signal: AbortSignal;
}

/** A configured target instance. */
export interface Target {
  readonly type: string;
  readonly name: string;
  /**
   * Largest batch `send` accepts: 1 for per-result targets, more where one request carries several
   * results. One `send` is one request (all or nothing), so the dispatcher must never exceed it.
   */
  readonly maxBatch: number;
  /**
   * Delivers ONE batch (already filtered and sized by the dispatcher). Resolves when the remote side
   * accepted every item; otherwise throws `SendError` (classified as retryable or not).
   */
  send(batch: readonly Notification[], ctx: SendContext): Promise<void>;
  /** Stops background work (e.g. webhook keepalive). Idempotent. */
  close?(): Promise<void>;
}

/**
 * The one seam every target implements. `type` is the folder name, registry key and metric label;
 * `aliases` are the config keys Policy Reporter uses for the same target (e.g. `teams`), so users
 * can move their values over.
 */
export interface TargetDefinition<C = unknown> {
  type: string;
  aliases?: readonly string[];
  /** Default target name (Policy Reporter's: `Slack`, `Teams`, `AlertManager`…), used when config has no `name`. */
  displayName: string;
  /**
   * True when the target acts on `fixed` notifications (Alertmanager resolves the alert). Other
   * targets render them as "Fixed" messages; the dispatcher decides whether to send them at all.
   */
  resolvesFixed?: boolean;
  configSchema: ZodType<C>;
  create(config: C, deps: TargetDeps): Target;
}

/** What `defineTarget` hands a target's own `create`. */
export interface TargetContext {
  /** The configured `name`, else the definition's `displayName`. */
  name: string;
  /** The composition root's deps, `fetch` replaced per the config's `certificate`/`skipTLS` (unless `ownTls`). */
  deps: TargetDeps;
}

/** A target's definition as written in its folder; `defineTarget` turns it into a `TargetDefinition`. */
export interface TargetSpec<C> extends Omit<TargetDefinition<C>, 'create'> {
  /** The target does TLS itself (its client is not `deps.fetch`): deps are passed unchanged. */
  ownTls?: boolean;
  /** Builds one instance; `type` and `name` are filled in from the definition and context. */
  create(config: C, ctx: TargetContext): Omit<Target, 'type' | 'name'>;
}

/** The common keys every target config has (`targetConfigSchema`) that `defineTarget` reads. */
interface CommonKeys {
  name?: string | undefined;
  certificate?: string | undefined;
  skipTLS?: boolean | undefined;
}

/**
 * Declares a target: the name default, the TLS-aware fetch and the instance's `type`/`name` are
 * done here once, so each target's `create` holds only what is its own.
 */
export function defineTarget<C extends CommonKeys>(spec: TargetSpec<C>): TargetDefinition<C> {
  const { create, ownTls, ...definition } = spec;
  return {
    ...definition,
    create(config, rootDeps) {
      const name = config.name ?? spec.displayName;
      const deps = ownTls ? rootDeps : withTls(config, rootDeps);
      return { ...create(config, { name, deps }), type: spec.type, name };
    },
  };
}

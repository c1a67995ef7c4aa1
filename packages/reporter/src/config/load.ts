import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { LineCounter, parseDocument } from 'yaml';
import type { TargetDefinition } from '@docket/targets';
import { applyEnv } from './env.ts';
import { ConfigError, createPositionFinder, formatPath, zodProblems, type ConfigProblem, type PathSegment, type PositionFinder } from './errors.ts';
import { metricsSchema, type MetricsConfig } from './metrics-schema.ts';
import {
  deliverySchema, leaderElectionSchema, reportFilterSchema, reporterSchema, sourceConfigSchema, sourcesSchema,
  type DeliveryConfig, type LeaderElectionConfig, type ReportFilterConfig, type ReporterConfig, type SourcesConfig,
} from './sections.ts';
import { resolveTargets, type ResolvedTarget, type UnconfiguredTarget } from './targets.ts';
import type { FileReader, SecretReader } from './secrets.ts';

/** Every concern but the targets, which are validated by their own registry schemas. */
export const rootSchema = z.strictObject({
  /** Policy Reporter's key; `targets` is accepted as well. */
  target: z.unknown().optional(),
  targets: z.unknown().optional(),
  sources: sourcesSchema.prefault({}),
  reportFilter: reportFilterSchema.prefault({}),
  reporter: reporterSchema.prefault({}),
  /** Policy Reporter's custom result ids per source; merged into `reporter.customIdFields`. */
  sourceConfig: sourceConfigSchema.optional(),
  delivery: deliverySchema.prefault({}),
  leaderElection: leaderElectionSchema.prefault({}),
  metrics: metricsSchema.prefault({}),
});

/** The validated, frozen configuration. Durations are in milliseconds. */
export interface DocketConfig {
  /** File it came from (for messages), when known. */
  readonly file?: string;
  /** Concrete targets: each root and each channel, in file order. */
  readonly targets: readonly ResolvedTarget[];
  /** Target blocks that set nothing (e.g. copied Policy Reporter Helm defaults): worth an info log. */
  readonly unconfiguredTargets: readonly UnconfiguredTarget[];
  readonly sources: SourcesConfig;
  readonly reportFilter: ReportFilterConfig;
  readonly reporter: ReporterConfig;
  readonly delivery: DeliveryConfig;
  readonly leaderElection: LeaderElectionConfig;
  readonly metrics: MetricsConfig;
}

/** Policy Reporter top-level keys Docket does not take, with what to do instead. */
const PR_HINTS: Record<string, string> = {
  redis: 'not needed: seen results and the delivery outbox live in Docket\'s store',
  database: 'the store is chosen with `docket serve --store`',
  rest: 'the REST API is always served by `docket serve`', api: 'the API is served by `docket serve --listen`',
  worker: 'not needed: reports are processed from the watch without a work queue',
  k8sClient: 'use sources.kubernetes[].kubeconfig', sourceFilters: 'use sources.kubernetes[].namespaces/sources/kinds and reportFilter',
emailReports: 'e-mail reports are not part of the reporter config',
  periodicSync: 'not needed: watches resume and relist on their own', logging: 'use `docket serve --log-level`',
  profiling: 'not supported', autoMemoryLimit: 'not needed on Node.js',
};

/** Where to read the config from: a file, or text (with an optional file name for messages). */
export type ConfigSource = { path: string } | { text: string; file?: string };

export interface LoadConfigOptions {
  /** Documented variables (see docs/config.md); pass `process.env` from main. Default: none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Reads `secretRef` Secrets; without it a `secretRef` is an error. */
  readSecret?: SecretReader;
  /** Reads `mountedSecret` files (and the config file); default node:fs. */
  readFile?: FileReader;
  /** Namespace of `secretRef` Secrets; default POD_NAMESPACE from `env`, else `default`. */
  namespace?: string;
  /** Target registry; default @docket/targets' registry. */
  registry?: Readonly<Record<string, TargetDefinition<any>>>;
}

const defaultReadFile: FileReader = (path) => readFile(path, 'utf8');

/**
 * Loads, validates and freezes a Docket config. All problems (YAML syntax, unknown keys, wrong
 * values, unreadable secrets, duplicate target names) are collected and thrown together as one
 * {@link ConfigError} with paths and file positions. An empty text gives the defaults.
 */
export async function loadConfig(source: ConfigSource, opts: LoadConfigOptions = {}): Promise<DocketConfig> {
  const read = opts.readFile ?? defaultReadFile;
  const file = 'path' in source ? source.path : source.file;
  let text: string;
  if ('path' in source) {
    try {
      text = await read(source.path);
    } catch (err) {
      throw new ConfigError([{ path: '', message: `cannot read config file: ${(err as Error).message}` }], source.path);
    }
  } else {
    text = source.text;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return { path: '', message: e.message.split('\n')[0]!, line: pos.line, column: pos.col };
    }), file);
  }
  const raw: unknown = doc.toJS() ?? {};
  const finder = createPositionFinder(doc, lineCounter);
  const problems: ConfigProblem[] = [];
  const add = (path: PathSegment[], message: string, key?: string) => problems.push(locate(finder, path, message, key));
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError([{ path: '', message: 'the config must be a map (target, sources, reporter, …)' }], file);
  const root = raw as Record<string, unknown>;

  if (root['target'] !== undefined && root['targets'] !== undefined) add([], 'set "target" (Policy Reporter\'s key) or "targets", not both', 'targets');
  const targetKey = root['targets'] !== undefined && root['target'] === undefined ? 'targets' : 'target';
  const env = opts.env ?? {};
  for (const message of applyEnv(root, env, targetKey)) problems.push({ path: '', message });

  const parsed = rootSchema.safeParse(root);
  if (!parsed.success) {
    for (const p of zodProblems(parsed.error)) {
      const hint = p.key !== undefined && p.path.length === 0 ? PR_HINTS[p.key] : undefined;
      add(p.path, hint ? `${p.message} (Policy Reporter's "${p.key}": ${hint})` : p.message, p.key);
    }
  }
  const namespace = opts.namespace ?? env['POD_NAMESPACE'] ?? 'default';
  const { targets, unconfigured } = await resolveTargets(root[targetKey], {
    rootKey: targetKey, namespace, readFile: read,
    ...(opts.readSecret ? { readSecret: opts.readSecret } : {}),
    ...(opts.registry ? { registry: opts.registry } : {}),
  }, add);
  if (parsed.success) mergeSourceConfig(parsed.data, add);
  if (problems.length > 0 || !parsed.success) throw new ConfigError(sortProblems(problems), file);

  const { target: _t, targets: _ts, sourceConfig: _sc, ...sections } = parsed.data;
  return deepFreeze({ ...(file ? { file } : {}), targets, unconfiguredTargets: unconfigured, ...sections });
}

/** Moves Policy Reporter's `sourceConfig[].customId` into `reporter.customIdFields`. */
function mergeSourceConfig(data: z.output<typeof rootSchema>, add: (path: PathSegment[], message: string) => void): void {
  (data.sourceConfig ?? []).forEach((entry, i) => {
    if (!entry.customId?.enabled) return;
    const source = entry.selector.source;
    if (data.reporter.customIdFields[source]) {
      add(['sourceConfig', i, 'selector', 'source'], `custom id fields of source "${source}" are also set in reporter.customIdFields; keep one`);
      return;
    }
    data.reporter.customIdFields[source] = entry.customId.fields;
  });
}

/** A problem at `path`; with `key`, about that key of the map at `path` (positioned at the key). */
function locate(finder: PositionFinder, path: PathSegment[], message: string, key: string | undefined): ConfigProblem {
  const pos = key === undefined ? finder.find(path) : finder.find([...path, key], true);
  return { path: formatPath(path), message, ...(pos ? { line: pos.line, column: pos.column } : {}) };
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
}

/** Freezes an object graph; target definitions are shared module objects and are left alone. */
function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if (value === null || typeof value !== 'object' || seen.has(value) || Object.isFrozen(value)) return value;
  seen.add(value);
  for (const [k, v] of Object.entries(value)) if (k !== 'definition') deepFreeze(v, seen);
  return Object.freeze(value);
}

/**
 * The `docket publish` configuration: one strict zod schema for the YAML file (every producer's
 * own schema under `producers.<type>`), the policy-report-publisher's environment variables merged
 * underneath, and all problems reported together with their field paths. Pure apart from
 * `loadPublishConfig`, which reads the file it is given.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { fromPublisherEnv, producerRegistry } from '@docket/producers';

const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A Go duration string (`500ms`, `1s`, `1m30s`, `24h`) or a number of seconds — the same spelling
 * as the reporter's config (docs/config.md) — as milliseconds.
 */
export const durationSchema = z.union([
  z.number().positive(),
  z.string().regex(DURATION, 'expected a duration such as 500ms, 30s, 1m30s or 24h, or a number of seconds'),
]).transform((v) => (typeof v === 'number' ? Math.round(v * 1000)
  : Math.round([...v.matchAll(PART)].reduce((ms, m) => ms + Number(m[1]) * UNITS[m[2]!]!, 0))))
  .refine((ms) => ms > 0, 'must be longer than 0');

const OUTPUT_GROUPS = ['wgpolicyk8s.io/v1alpha2', 'openreports.io/v1alpha1'] as const;

const writerLimits = {
  /** Results kept per report (most recently seen win). */
  maxResults: z.number().int().positive().max(10_000).optional(),
  /** Results not seen for this long are removed at the report's next write. */
  ttl: durationSchema.optional(),
};

export const writerSchema = z.strictObject({
  /** At most one API write per report per interval; events in between are merged in memory. */
  flushInterval: durationSchema.default(1000),
  maxResults: z.number().int().positive().max(10_000).default(500),
  ttl: durationSchema.default(24 * 3_600_000),
  outputGroup: z.enum(OUTPUT_GROUPS).default('wgpolicyk8s.io/v1alpha2'),
  /** Look up the Pod/Node a report is about and make it the report's owner (garbage collection). */
  ownerReferences: z.boolean().default(true),
  /** Extra labels on every report (managed-by and the producer label are always set). */
  labels: z.record(z.string(), z.string()).default({}),
  /** Per producer limits, e.g. `kyverno: { maxResults: 100 }`. */
  overrides: z.record(z.string(), z.strictObject(writerLimits)).default({}),
});

export const sinkSchema = z.strictObject({
  /** A plain API server URL, e.g. Docket's `http://127.0.0.1:8080` (no credentials). */
  server: z.url({ protocol: /^https?$/ }).optional(),
  /** Kubeconfig file; without server/kubeconfig/inCluster/store: client-node's default lookup. */
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  /** The pod's service account. */
  inCluster: z.boolean().optional(),
  /** Docket's store in this process (`sqlite:PATH` or `postgres://…`) instead of an API server. */
  store: z.string().min(1).optional(),
  /** Cluster id for the in-process store. */
  clusterId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/).default('default'),
}).refine((s) => [s.server, s.inCluster ? true : undefined, s.store].filter((v) => v !== undefined).length <= 1, {
  message: 'choose one of server, inCluster and store', path: ['server'],
});

/**
 * The cluster the publisher reads from (Pods/Nodes for owner references, Kyverno Events,
 * trivy-operator reports, Leases) when it differs from the sink — e.g. reports go to Docket's API
 * server while events come from kube-apiserver. Default: the sink, when the sink is an API.
 */
export const clusterSchema = z.strictObject({
  server: z.url({ protocol: /^https?$/ }).optional(),
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  inCluster: z.boolean().optional(),
}).refine((s) => !(s.server && s.inCluster), { message: 'choose server or inCluster', path: ['server'] });

export const leaderElectionSchema = z.strictObject({
  enabled: z.boolean().default(false),
  namespace: z.string().min(1).optional(),
  name: z.string().min(1).default('docket-publisher'),
  /** Default `<hostname>_<random>`. */
  identity: z.string().min(1).optional(),
  leaseDuration: durationSchema.default(15_000),
  renewDeadline: durationSchema.default(10_000),
  retryPeriod: durationSchema.default(2_000),
}).refine((l) => !l.enabled || l.namespace !== undefined, { message: 'a namespace is required when enabled', path: ['namespace'] })
  .refine((l) => l.renewDeadline < l.leaseDuration, { message: 'must be shorter than leaseDuration', path: ['renewDeadline'] });

export const metricsSchema = z.strictObject({
  /** `/metrics`, `/healthz`, `/readyz`; `HOST:PORT`, port 0 picks a free one. */
  listen: z.string().regex(/^(?:\[[0-9a-fA-F:.]+\]|[^:\s[\]]*):\d{1,5}$/, 'expected HOST:PORT').default('127.0.0.1:9464'),
});

function producersSchema() {
  const shape: Record<string, z.ZodType> = {};
  for (const [type, def] of Object.entries(producerRegistry)) shape[type] = (def.configSchema as z.ZodType).optional();
  return z.strictObject(shape);
}

/** The whole file. Built on call so producers registered later are included. */
export function publishConfigSchema() {
  return z.strictObject({
    producers: producersSchema().default({}),
    writer: writerSchema.default(writerSchema.parse({})),
    sink: sinkSchema.default(sinkSchema.parse({})),
    cluster: clusterSchema.optional(),
    leaderElection: leaderElectionSchema.default(leaderElectionSchema.parse({})),
    metrics: metricsSchema.default(metricsSchema.parse({})),
    /** Log every mapped result (LOG_REPORTS=true). */
    logReports: z.boolean().default(false),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  }).superRefine((c, ctx) => {
    if (Object.values(c.producers).every((p) => p === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['producers'], message: `enable at least one producer (${Object.keys(producerRegistry).join(', ')})` });
    }
    for (const type of Object.keys(c.writer.overrides)) {
      if (!(type in producerRegistry)) ctx.addIssue({ code: 'custom', path: ['writer', 'overrides', type], message: 'unknown producer' });
    }
  });
}

export type PublishConfig = z.infer<ReturnType<typeof publishConfigSchema>>;

/** Config problems, one line per issue: `producers.hubble.address: Invalid input`. */
export class PublishConfigError extends Error {
  readonly issues: string[];
  constructor(where: string, issues: string[]) {
    super(`invalid publish configuration (${where}):\n  ${issues.join('\n  ')}`);
    this.name = 'PublishConfigError';
    this.issues = issues;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects; `over` wins, arrays are replaced. */
function merge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

/**
 * The raw input the policy-report-publisher's variables stand for (HUBBLE_SERVICE,
 * HUBBLE_INSECURE, KUBE_ARMOR_SERVICE, LOG_REPORTS, LEADER_ELECTION_NAMESPACE). Only set
 * variables contribute, so the file's values are never overridden by absent ones.
 */
export function envConfigInput(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const s = fromPublisherEnv(env);
  const out: Record<string, unknown> = {};
  if (Object.keys(s.producers).length > 0) out.producers = s.producers;
  if (s.logReports) out.logReports = true;
  if (s.leaderElectionNamespace) out.leaderElection = { enabled: true, namespace: s.leaderElectionNamespace };
  return out;
}

/**
 * Validates the file input with the environment underneath (the file wins field by field) and
 * returns the frozen config, or throws PublishConfigError listing every issue with its path.
 */
export function parsePublishConfig(fileInput: unknown, env: Readonly<Record<string, string | undefined>> = {}, where = 'config'): PublishConfig {
  if (fileInput !== undefined && fileInput !== null && !isPlainObject(fileInput)) {
    throw new PublishConfigError(where, ['(root): expected a mapping']);
  }
  const input = merge(envConfigInput(env), fileInput ?? {});
  const parsed = publishConfigSchema().safeParse(input);
  if (!parsed.success) {
    throw new PublishConfigError(where, parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`));
  }
  return Object.freeze(parsed.data);
}

/** Reads and validates a YAML (or JSON) config file. */
export async function loadPublishConfig(path: string | undefined, env: Readonly<Record<string, string | undefined>>): Promise<PublishConfig> {
  if (path === undefined) return parsePublishConfig(undefined, env, 'environment');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new PublishConfigError(path, [`cannot read: ${(e as Error).message}`]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new PublishConfigError(path, [`not valid YAML: ${(e as Error).message}`]);
  }
  return parsePublishConfig(doc, env, path);
}

/** Writer limits for one producer: its overrides over the global settings (Kyverno keeps 100 by default). */
export function writerLimitsFor(config: PublishConfig, type: string): { maxResults: number; ttlMs: number } {
  const o = config.writer.overrides[type] ?? {};
  const builtIn = type === 'kyverno' ? { maxResults: 100 } : {};
  return { maxResults: o.maxResults ?? (builtIn as { maxResults?: number }).maxResults ?? config.writer.maxResults, ttlMs: o.ttl ?? config.writer.ttl };
}

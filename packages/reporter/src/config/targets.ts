import { z } from 'zod';
import type { TargetFilterConfig } from '@docket/core';
import { applySecretValues, expandChannels, findTarget, targetRegistry, type TargetDefinition } from '@docket/targets';
import { zodProblems, type PathSegment } from './errors.ts';
import { parseSecretFile, type FileReader, type SecretReader } from './secrets.ts';
import { dropEmpty, hasSettings, isUnconfigured, requiredKeys } from './unset.ts';

/** One concrete target (a root or one of its channels), validated, secrets applied, defaults set. */
export interface ResolvedTarget {
  /** Registry type: the folder name and metric label (`msteams`). */
  readonly type: string;
  /** Config key as written (`teams`, Policy Reporter's name for msteams). */
  readonly key: string;
  /** Unique across the whole config; the delivery idempotency key is (name, result id). */
  readonly name: string;
  /** Where it is in the file: `target.slack` or `target.slack.channels[1]`. */
  readonly path: string;
  /** Channel index under its root, absent for the root itself. */
  readonly channel?: number;
  readonly definition: TargetDefinition<any>;
  /** The target's own config (channels removed, inherited keys filled in) for `definition.create`. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Filter keys for core's `compileFilter(filter, name)`. */
  readonly filter: TargetFilterConfig;
  /** Default true (Policy Reporter's Helm default). */
  readonly skipExistingOnStartup: boolean;
}

/** Target keys Policy Reporter has and Docket does not (yet). */
const UNSUPPORTED: Record<string, string> = {
  kinesis: 'AWS Kinesis', securityHub: 'AWS SecurityHub', gcs: 'Google Cloud Storage',
  crd: 'the TargetConfig CRD (configure targets in this file)',
};

interface ResolveContext {
  /** `target` or `targets`, as written. */
  rootKey: string;
  namespace: string;
  readSecret: SecretReader | undefined;
  readFile: FileReader;
  registry: Readonly<Record<string, TargetDefinition<any>>>;
  problem(path: PathSegment[], message: string, key?: string): void;
  /** Problems reported so far. */
  count: number;
  unconfigured: UnconfiguredTarget[];
}

/** A target block that configures nothing (Policy Reporter's Helm defaults), so no target was made. */
export interface UnconfiguredTarget {
  readonly path: string;
  readonly reason: string;
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Policy Reporter's config.yaml nests type-specific keys under `config:` while its Helm values
 * flatten them; both are accepted. Returns the flat object and the keys that came from `config`.
 */
function hoistConfig(raw: Raw, at: PathSegment[], ctx: ResolveContext): { flat: Raw; hoisted: Set<string> } {
  const { config, ...rest } = raw;
  const hoisted = new Set<string>();
  if (config === undefined) return { flat: rest, hoisted };
  if (!isObject(config)) {
    ctx.problem([...at, 'config'], 'must be a map of the target\'s own keys');
    return { flat: rest, hoisted };
  }
  for (const [k, v] of Object.entries(config)) {
    if (k in rest) ctx.problem([...at, 'config'], `"${k}" is set both here and beside "config"`, k);
    rest[k] = v;
    hoisted.add(k);
  }
  return { flat: rest, hoisted };
}

async function secretValues(raw: Raw, at: PathSegment[], ctx: ResolveContext): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  if (typeof raw['mountedSecret'] === 'string') {
    const file = raw['mountedSecret'];
    try {
      Object.assign(values, parseSecretFile(await ctx.readFile(file)));
    } catch (err) {
      ctx.problem([...at, 'mountedSecret'], `cannot use mounted secret ${file}: ${(err as Error).message}`);
    }
  }
  if (typeof raw['secretRef'] === 'string') {
    const name = raw['secretRef'];
    if (!ctx.readSecret) {
      ctx.problem([...at, 'secretRef'], `Secret "${name}" cannot be read: no Kubernetes cluster to read it from`);
    } else {
      try {
        // secretRef wins over mountedSecret when both set a key.
        Object.assign(values, await ctx.readSecret(name, ctx.namespace));
      } catch (err) {
        ctx.problem([...at, 'secretRef'], `cannot read Secret "${name}" in namespace "${ctx.namespace}": ${(err as Error).message}`);
      }
    }
  }
  return values;
}

/** Validates one target key (`slack`, `teams`, …) and expands it into its root and channels. */
async function resolveOne(key: string, value: unknown, ctx: ResolveContext): Promise<ResolvedTarget[]> {
  const at: PathSegment[] = [ctx.rootKey, key];
  const definition = findTarget(key, ctx.registry);
  if (!definition && UNSUPPORTED[key] && !hasSettings(value)) {
    ctx.unconfigured.push({ path: at.join('.'), reason: `${UNSUPPORTED[key]} is not supported by Docket; the block sets nothing` });
    return [];
  }
  if (!definition) {
    const known = Object.values(ctx.registry).map((d) => d.aliases?.[0] ?? d.type).join(', ');
    ctx.problem([ctx.rootKey], UNSUPPORTED[key] ? `${UNSUPPORTED[key]} is not supported by Docket (targets: ${known})` : `unknown target "${key}" (targets: ${known})`, key);
    return [];
  }
  if (!isObject(value)) {
    ctx.problem(at, 'must be a map of target settings');
    return [];
  }
  const { flat: root, hoisted } = hoistConfig(dropEmpty(value), at, ctx);
  if (isUnconfigured(definition, root)) {
    ctx.unconfigured.push({ path: at.join('.'), reason: `no ${requiredKeys(definition).join(', ')}, channels, secretRef or mountedSecret` });
    return [];
  }
  const hoistedChannels: Array<Set<string>> = [];
  const before = ctx.count;
  const channelSchema = (definition.configSchema as unknown as z.ZodObject).shape['channels'] as z.ZodOptional<z.ZodArray<z.ZodObject>>;
  const channelDefinition = { ...definition, configSchema: channelSchema.unwrap().element } as TargetDefinition<any>;
  if (Array.isArray(root['channels'])) {
    root['channels'] = await Promise.all(root['channels'].map(async (raw: unknown, i) => {
      if (!isObject(raw)) return raw;
      const { flat, hoisted: h } = hoistConfig(raw, [...at, 'channels', i], ctx);
      hoistedChannels[i] = h;
      const values = await secretValues(flat, [...at, 'channels', i], ctx);
      if (Object.keys(values).length === 0) return flat;
      try {
        return applySecretValues(channelDefinition, flat, values);
      } catch {
        return flat; // reported with every other problem when the root is parsed below
      }
    }));
  }
  const values = await secretValues(root, at, ctx);
  if (ctx.count > before) return [];
  // Keys that came from `config:` are reported under it, where the user wrote them.
  const mapPath = (p: PathSegment[]): PathSegment[] => {
    if (p[0] === 'channels' && typeof p[1] === 'number' && typeof p[2] === 'string' && hoistedChannels[p[1]]?.has(p[2])) return ['channels', p[1], 'config', ...p.slice(2)];
    return typeof p[0] === 'string' && hoisted.has(p[0]) ? ['config', ...p] : p;
  };
  const report = (err: unknown, prefix: PathSegment[], map: (p: PathSegment[]) => PathSegment[]) => {
    if (!(err instanceof z.ZodError)) throw err;
    for (const p of zodProblems(err, prefix, map)) ctx.problem(p.path, p.message, p.key);
  };
  // Policy Reporter: "a root is a target only if valid" — a root without its connection keys but
  // with channels only carries defaults for them.
  const templateOnly = Array.isArray(root['channels']) && root['channels'].length > 0 && Object.keys(values).length === 0
    && requiredKeys(definition).every((k) => root[k] === undefined);
  if (templateOnly) {
    ctx.unconfigured.push({ path: at.join('.'), reason: `no ${requiredKeys(definition).join(', ')}: only its channels are targets` });
    return expandTemplate(definition, channelDefinition, key, at, root, mapPath, report);
  }
  let parsed: Raw;
  try {
    parsed = applySecretValues(definition, root, values) as Raw;
    return expandChannels(definition, parsed as { channels?: unknown[] }).map((config, i) => toResolved(definition, key, at, config as Raw, i === 0 ? undefined : i - 1));
  } catch (err) {
    report(err, at, mapPath);
    return [];
  }
}

/** Channels of a root that is no target itself: each is the root's keys overlaid with its own, validated alone. */
function expandTemplate(
  definition: TargetDefinition<any>, channelDefinition: TargetDefinition<any>, key: string, at: PathSegment[], root: Raw,
  mapPath: (p: PathSegment[]) => PathSegment[], report: (err: unknown, prefix: PathSegment[], map: (p: PathSegment[]) => PathSegment[]) => void,
): ResolvedTarget[] {
  const { channels, ...template } = root;
  let rest: Raw;
  try {
    rest = channelDefinition.configSchema.parse(template) as Raw;
  } catch (err) {
    report(err, at, mapPath);
    return [];
  }
  const rootName = (rest['name'] as string | undefined) ?? definition.displayName;
  const out: ResolvedTarget[] = [];
  (channels as unknown[]).forEach((raw, i) => {
    const channel: Raw = isObject(raw) ? raw : {};
    const named = { ...channel, name: channel['name'] ?? `${rootName} Channel ${i + 1}` };
    try {
      const [, config] = expandChannels(definition, { ...rest, channels: [named] } as { channels?: unknown[] });
      out.push(toResolved(definition, key, at, config as Raw, i));
    } catch (err) {
      report(err, [...at, 'channels', i], (p) => mapPath(['channels', i, ...p]).slice(2));
    }
  });
  return out;
}

function toResolved(definition: TargetDefinition<any>, key: string, at: PathSegment[], config: Raw, channel: number | undefined): ResolvedTarget {
  const filter: TargetFilterConfig = {};
  if (config['filter'] !== undefined) filter.filter = config['filter'] as TargetFilterConfig['filter'] & object;
  if (config['minimumSeverity'] !== undefined) filter.minimumSeverity = config['minimumSeverity'] as string;
  if (config['sources'] !== undefined) filter.sources = config['sources'] as string[];
  const path = channel === undefined ? `${at.join('.')}` : `${at.join('.')}.channels[${channel}]`;
  return {
    type: definition.type, key, name: config['name'] as string, path,
    ...(channel === undefined ? {} : { channel }),
    definition, config, filter,
    skipExistingOnStartup: (config['skipExistingOnStartup'] as boolean | undefined) ?? true,
  };
}

export interface ResolvedTargets {
  targets: ResolvedTarget[];
  unconfigured: UnconfiguredTarget[];
}

export interface ResolveTargetsOptions {
  rootKey: string;
  namespace: string;
  readSecret?: SecretReader;
  readFile: FileReader;
  registry?: Readonly<Record<string, TargetDefinition<any>>>;
}

/**
 * Validates the `target` section against each target's own schema (from the registry, Policy
 * Reporter aliases accepted), applies `secretRef`/`mountedSecret` values, expands channels and
 * checks that every concrete target name is unique. Problems are collected, not thrown.
 */
export async function resolveTargets(
  section: unknown, opts: ResolveTargetsOptions,
  problem: (path: PathSegment[], message: string, key?: string) => void,
): Promise<ResolvedTargets> {
  const ctx: ResolveContext = {
    rootKey: opts.rootKey, namespace: opts.namespace, readSecret: opts.readSecret, readFile: opts.readFile,
    registry: opts.registry ?? targetRegistry,
    count: 0, unconfigured: [],
    problem: (path, message, key) => { ctx.count++; problem(path, message, key); },
  };
  if (section === undefined || section === null) return { targets: [], unconfigured: [] };
  if (!isObject(section)) {
    ctx.problem([opts.rootKey], 'must be a map of target type to settings, e.g. slack: {webhook: …}');
    return { targets: [], unconfigured: [] };
  }
  const byType = new Map<string, string>();
  const out: ResolvedTarget[] = [];
  for (const [key, value] of Object.entries(section)) {
    const def = findTarget(key, ctx.registry);
    if (def && byType.has(def.type)) {
      ctx.problem([opts.rootKey], `"${key}" and "${byType.get(def.type)}" are the same target; use one of them (with channels for several)`, key);
      continue;
    }
    if (def) byType.set(def.type, key);
    out.push(...await resolveOne(key, value, ctx));
  }
  const names = new Map<string, string>();
  for (const t of out) {
    const other = names.get(t.name);
    const at: PathSegment[] = t.channel === undefined ? [opts.rootKey, t.key, 'name'] : [opts.rootKey, t.key, 'channels', t.channel, 'name'];
    if (other) ctx.problem(at, `target name "${t.name}" is also used by ${other}; names must be unique`);
    else names.set(t.name, t.path);
  }
  return { targets: out, unconfigured: ctx.unconfigured };
}

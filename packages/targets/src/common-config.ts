import { z } from 'zod';

/**
 * Marks a config field as secret (tokens, passwords, webhook URLs that embed a key). The mark lives
 * in zod's global metadata registry, so `redactConfig` and the generated config reference see it.
 */
export function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta({ secret: true });
}

/** Whether a schema (looking through optional/nullable wrappers) carries the secret mark. */
export function isSecretSchema(schema: z.ZodType): boolean {
  let s: z.ZodType | undefined = schema;
  while (s) {
    if (z.globalRegistry.get(s)?.['secret'] === true) return true;
    const def: { type: string; innerType?: z.ZodType } = (s as unknown as { _zod: { def: { type: string; innerType?: z.ZodType } } })._zod.def;
    s = def.type === 'optional' || def.type === 'nullable' || def.type === 'default' ? def.innerType : undefined;
  }
  return false;
}

/** An include/exclude list as Policy Reporter spells it; include wins when both are set. */
export const valueFilterSchema = z.strictObject({
  include: z.array(z.string()).optional(),
  exclude: z.array(z.string()).optional(),
  /** Label map resolved to namespace names (namespaces filter only). */
  selector: z.record(z.string(), z.string()).optional(),
});

/** Per-target (or per-channel) result filter; evaluated by the dispatcher, not by targets. */
export const targetFilterSchema = z.strictObject({
  namespaces: valueFilterSchema.optional(),
  status: valueFilterSchema.optional(),
  severities: valueFilterSchema.optional(),
  policies: valueFilterSchema.optional(),
  sources: valueFilterSchema.optional(),
  reportLabels: valueFilterSchema.optional(),
  kinds: valueFilterSchema.optional(),
});

export const minimumSeveritySchema = z.enum(['', 'info', 'low', 'medium', 'high', 'critical']);

/**
 * Keys every target accepts, named as in Policy Reporter. No defaults here on purpose: channels
 * inherit unset keys from their root, and a default would hide "unset". Documented defaults
 * (skipExistingOnStartup: true, minimumSeverity: '') are applied by whoever resolves channels.
 */
export const commonTargetShape = {
  name: z.string().min(1).optional(),
  minimumSeverity: minimumSeveritySchema.optional(),
  sources: z.array(z.string()).optional(),
  filter: targetFilterSchema.optional(),
  /** Extra key/values added to every message (a field, label or property depending on the target). */
  customFields: z.record(z.string(), z.string()).optional(),
  /** Name of a Secret (in Docket's namespace) whose keys override the connection fields. */
  secretRef: z.string().min(1).optional(),
  /** Path to a JSON file with the same keys as `secretRef`. */
  mountedSecret: z.string().min(1).optional(),
  skipExistingOnStartup: z.boolean().optional(),
  /** Path to a PEM CA bundle used to verify the server. */
  certificate: z.string().min(1).optional(),
  skipTLS: z.boolean().optional(),
  /** Extra HTTP headers; values may carry credentials. */
  headers: secret(z.record(z.string(), z.string())).optional(),
};

/** Fields of the common shape, as parsed. */
export type CommonTargetConfig = z.infer<z.ZodObject<typeof commonTargetShape>>;

/**
 * Builds a target's strict config schema: the common keys, the target's own keys, and `channels`,
 * each a strict object with every key optional (a channel inherits what it leaves unset).
 */
export function targetConfigSchema<S extends z.ZodRawShape>(specific: S) {
  const single = z.strictObject({ ...commonTargetShape, ...specific });
  return single.extend({ channels: z.array(single.partial()).optional() });
}

/**
 * Returns a deep copy of `value` with every secret-marked field of `schema` replaced by
 * `"<redacted>"`, for logs and API output. Unknown or non-object values are returned as is.
 */
export function redactConfig(schema: z.ZodType, value: unknown): unknown {
  if (isSecretSchema(schema)) return value === undefined ? undefined : '<redacted>';
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case 'optional': case 'nullable': case 'default':
      return redactConfig(def['innerType'] as z.ZodType, value);
    case 'array':
      return Array.isArray(value) ? value.map((v) => redactConfig(def['element'] as z.ZodType, v)) : value;
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
      const shape = def['shape'] as Record<string, z.ZodType>;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = shape[k] ? redactConfig(shape[k], v) : v;
      return out;
    }
    default:
      return value;
  }
}

/** Parses a Go duration (`"90s"`, `"1m30s"`, `"250ms"`, `"0"`) into milliseconds; undefined when invalid. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2] as string]!;
    pos = re.lastIndex;
  }
  return pos === 0 ? undefined : Math.round(total);
}

/** zod refinement for Go duration strings. */
export const goDurationSchema = z.string().refine((s) => parseGoDuration(s) !== undefined, { message: 'invalid duration, e.g. "30s" or "1m"' });

/** An http(s) URL. */
export const httpUrlSchema = z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL');

import type { TargetDefinition } from './types.ts';

/** Where a Policy Reporter secret key lands when the config names the field differently. */
const KEY_ALIASES: Record<string, readonly string[]> = { token: ['token', 'apiToken'] };

type Shape = Record<string, { safeParse(v: unknown): { success: boolean } }>;

/**
 * Overlays the values of a `secretRef` Secret or `mountedSecret` file (same keys as Policy
 * Reporter: host, webhook, channel, username, password, apiKey, accessKeyId, secretAccessKey,
 * token, typelessApi, …) on a raw target config, then validates the result. Secret values win
 * over the file; keys the target does not have are ignored, since one Secret often serves
 * several targets. Throws the schema's error (with paths) when the result is invalid.
 */
export function applySecretValues<C>(definition: TargetDefinition<C>, raw: Record<string, unknown>, values: Record<string, string>): C {
  const shape = (definition.configSchema as unknown as { shape?: Shape }).shape ?? {};
  const merged: Record<string, unknown> = { ...raw };
  for (const [key, value] of Object.entries(values)) {
    const field = (KEY_ALIASES[key] ?? [key]).find((k) => k in shape && k !== 'channels');
    if (!field) continue;
    const schema = shape[field]!;
    // Secrets hold strings only; booleans such as `typelessApi` arrive as "true"/"false".
    merged[field] = !schema.safeParse(value).success && (value === 'true' || value === 'false') ? value === 'true' : value;
  }
  return definition.configSchema.parse(merged);
}

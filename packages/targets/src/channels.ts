import type { TargetDefinition } from './types.ts';

type WithChannels = { name?: string; headers?: Record<string, string>; customFields?: Record<string, string>; channels?: unknown[] };

/**
 * Expands a parsed root config into the concrete targets it describes: the root itself, then one
 * per channel. A channel inherits every key it leaves unset — connection, filter, severity,
 * sources (Docket inherits `filter` too, unlike Policy Reporter) — while `headers` and
 * `customFields` merge key by key with the channel winning. Each result is validated again.
 */
export function expandChannels<C extends WithChannels>(definition: TargetDefinition<C>, root: C): Array<Omit<C, 'channels'>> {
  const { channels, ...base } = root;
  const rootName = base.name ?? definition.displayName;
  const out: Array<Omit<C, 'channels'>> = [{ ...base, name: rootName } as Omit<C, 'channels'>];
  (channels ?? []).forEach((raw, i) => {
    const channel = raw as Partial<C>;
    const merged: Record<string, unknown> = { ...base, ...channel, name: channel.name ?? `${rootName} Channel ${i + 1}` };
    const headers = { ...(base.headers ?? {}), ...(channel.headers ?? {}) };
    const customFields = { ...(base.customFields ?? {}), ...(channel.customFields ?? {}) };
    if (Object.keys(headers).length) merged['headers'] = headers;
    if (Object.keys(customFields).length) merged['customFields'] = customFields;
    out.push(definition.configSchema.parse(merged) as Omit<C, 'channels'>);
  });
  return out;
}

import { extraFields, resultFacts, resultTime, severityColor, truncate } from '../text.ts';
import type { Notification } from '../types.ts';

/** https://discord.com/developers/docs/resources/message#embed-object-embed-limits */
export const DISCORD_LIMITS = { embeds: 10, title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, total: 6000 } as const;

export interface DiscordEmbed {
  title: string;
  description?: string;
  color: number;
  timestamp: string;
  fields: Array<{ name: string; value: string; inline: boolean }>;
  footer?: { text: string };
}

/** Characters Discord counts towards the 6000 total. */
export function embedSize(e: DiscordEmbed): number {
  return e.title.length + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + e.fields.reduce((s, f) => s + f.name.length + f.value.length, 0);
}

/** Shrinks an embed to `budget` characters: description first, then trailing fields, then the title. */
function fitEmbed(e: DiscordEmbed, budget: number): DiscordEmbed {
  let over = embedSize(e) - budget;
  if (over > 0 && e.description) {
    const keep = Math.max(0, e.description.length - over);
    e.description = keep > 1 ? truncate(e.description, keep) : undefined;
    if (!e.description) delete e.description;
    over = embedSize(e) - budget;
  }
  while (over > 0 && e.fields.length > 0) {
    e.fields.pop();
    over = embedSize(e) - budget;
  }
  if (over > 0) e.title = truncate(e.title, Math.max(1, e.title.length - over));
  return e;
}

function toEmbed(n: Notification, nowMs: number, customFields: Record<string, string>): DiscordEmbed {
  const r = n.result;
  // Discord field values must not be empty; resultFacts drops empty ones already.
  const fields = [...resultFacts(n).filter(([k]) => k !== 'Policy'), ...extraFields(n, customFields)]
    .filter(([, v]) => v.trim() !== '')
    .slice(0, DISCORD_LIMITS.fields)
    .map(([name, value]) => ({ name: truncate(name, DISCORD_LIMITS.fieldName), value: truncate(value, DISCORD_LIMITS.fieldValue), inline: true }));
  const embed: DiscordEmbed = {
    title: truncate(`${n.fixed ? 'Fixed: ' : ''}${r.policy}`, DISCORD_LIMITS.title),
    color: parseInt(severityColor(r.severity), 16),
    timestamp: resultTime(n, nowMs),
    fields,
  };
  if (r.message) embed.description = truncate(r.message, DISCORD_LIMITS.description);
  return embed;
}

/**
 * One webhook message with an embed per result (at most 10), each within Discord's per-field
 * limits and all together within the 6000-character total. Mentions are disabled so a result
 * message can never ping `@everyone`.
 */
export function formatDiscord(batch: readonly Notification[], nowMs: number, customFields: Record<string, string> = {}): Record<string, unknown> {
  const shown = batch.slice(0, DISCORD_LIMITS.embeds);
  const budget = Math.floor(DISCORD_LIMITS.total / Math.max(1, shown.length));
  const embeds = shown.map((n) => fitEmbed(toEmbed(n, nowMs, customFields), budget));
  return { embeds, allowed_mentions: { parse: [] } };
}

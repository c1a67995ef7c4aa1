import { extraFields, resourceString, resultFacts, truncate } from '../text.ts';
import type { Notification } from '../types.ts';

/** Teams rejects messages over ~28 KB; stay below with room for the envelope. */
export const TEAMS_MAX_BYTES = 27_000;
export const TEAMS_MAX_FACTS = 15;

type Element = Record<string, unknown>;

interface Budget { message: number; fact: number }

function resultContainer(n: Notification, budget: Budget): Element {
  const r = n.result;
  const facts = [...resultFacts(n).filter(([k]) => k !== 'Policy' && k !== 'Rule'), ...extraFields(n, undefined)]
    .slice(0, TEAMS_MAX_FACTS)
    .map(([title, value]) => ({ title: truncate(title, 100), value: truncate(value, budget.fact) }));
  return {
    type: 'Container',
    separator: true,
    spacing: 'Medium',
    items: [
      { type: 'TextBlock', text: truncate(`${n.fixed ? 'Fixed: ' : ''}Policy: ${r.policy}${r.rule ? `/${r.rule}` : ''}`, 300), weight: 'Bolder', wrap: true },
      ...(r.message ? [{ type: 'TextBlock', text: truncate(r.message, budget.message), wrap: true }] : []),
      ...(facts.length ? [{ type: 'FactSet', facts }] : []),
    ],
  };
}

function build(batch: readonly Notification[], customFields: Record<string, string>, budget: Budget): Record<string, unknown> {
  const first = batch[0];
  const sameReport = first !== undefined && batch.every((n) => n.report.name === first.report.name && n.report.namespace === first.report.namespace);
  const scope = sameReport && first?.scope ? resourceString(first.scope) : '';
  const custom = Object.entries(customFields).sort(([a], [b]) => a.localeCompare(b)).slice(0, TEAMS_MAX_FACTS)
    .map(([title, value]) => ({ title: truncate(title, 100), value: truncate(value, budget.fact) }));
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    msteams: { width: 'Full' },
    body: [
      { type: 'TextBlock', text: truncate(scope || 'New Policy Report Results', 300), weight: 'Bolder', size: 'Large', wrap: true },
      { type: 'TextBlock', text: `Received ${batch.length} new Policy Report Result${batch.length === 1 ? '' : 's'}`, isSubtle: true, wrap: true, spacing: 'None' },
      ...(custom.length ? [{ type: 'FactSet', facts: custom }] : []),
      ...batch.map((n) => resultContainer(n, budget)),
    ],
  };
  // Workflow ("Post to a channel when a webhook request is received") webhooks take a message
  // whose attachments carry the card: https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

/**
 * One Adaptive Card (1.4, full width) for a batch: title (report scope or generic), count, custom
 * fields, then per result the policy, message and a fact set. Texts are cut until the whole
 * message fits Teams' size limit.
 */
export function formatTeams(batch: readonly Notification[], customFields: Record<string, string> = {}): Record<string, unknown> {
  const budget: Budget = { message: 3000, fact: 500 };
  for (;;) {
    const payload = build(batch, customFields, budget);
    if (Buffer.byteLength(JSON.stringify(payload)) <= TEAMS_MAX_BYTES || budget.fact <= 20) return payload;
    budget.message = Math.max(80, Math.floor(budget.message / 2));
    budget.fact = Math.max(20, Math.floor(budget.fact / 2));
  }
}


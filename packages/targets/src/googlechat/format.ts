import { extraFields, resourceString, resultFacts, subjectOf, truncate } from '../text.ts';
import type { Notification } from '../types.ts';

/** Google Chat rejects messages over 32,000 bytes; keep room for the envelope. */
export const GOOGLE_CHAT_MAX_BYTES = 30_000;
const MAX_PROPERTIES = 30;

/** Card text widgets accept a small HTML subset, so user text is escaped. */
export function escapeChat(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const decorated = (label: string, value: string, max: number) => ({ decoratedText: { topLabel: escapeChat(truncate(label, 100)), text: escapeChat(truncate(value, max)), wrapText: true } });

function build(n: Notification, customFields: Record<string, string>, budget: { message: number; value: number }): Record<string, unknown> {
  const r = n.result;
  const title = `${n.fixed ? 'Fixed: ' : ''}[${(r.severity ?? 'none').toUpperCase()}] ${r.policy}`;
  const props = extraFields(n, customFields).slice(0, MAX_PROPERTIES);
  const sections: Array<Record<string, unknown>> = [];
  if (r.message) sections.push({ widgets: [{ textParagraph: { text: escapeChat(truncate(r.message, budget.message)) } }] });
  const facts = resultFacts(n).filter(([k]) => k !== 'Policy');
  if (facts.length) sections.push({ header: 'Details', widgets: facts.map(([k, v]) => decorated(k, v, budget.value)) });
  if (props.length) sections.push({ header: 'Properties', collapsible: true, uncollapsibleWidgetsCount: Math.min(3, props.length), widgets: props.map(([k, v]) => decorated(k, v, budget.value)) });
  // A card needs at least one section with at least one widget.
  if (sections.length === 0) sections.push({ widgets: [{ textParagraph: { text: escapeChat(truncate(r.policy, budget.message)) } }] });
  return {
    text: truncate(`${title}${r.message ? `: ${r.message}` : ''}`, 300),
    cardsV2: [{
      cardId: truncate(n.resultId, 64, ''),
      card: { header: { title: truncate(title, 200), subtitle: truncate(resourceString(subjectOf(n)), 200) }, sections },
    }],
  };
}

/**
 * A Chat app message with one cardsV2 card per result
 * (https://developers.google.com/workspace/chat/api/reference/rest/v1/cards): header with severity
 * and policy, the message, a details section and collapsible properties; texts shrink until the
 * message fits the size limit.
 */
export function formatGoogleChat(n: Notification, customFields: Record<string, string> = {}): Record<string, unknown> {
  const budget = { message: 4000, value: 1000 };
  for (;;) {
    const payload = build(n, customFields, budget);
    if (Buffer.byteLength(JSON.stringify(payload)) <= GOOGLE_CHAT_MAX_BYTES || budget.value <= 20) return payload;
    budget.message = Math.max(100, Math.floor(budget.message / 2));
    budget.value = Math.max(20, Math.floor(budget.value / 2));
  }
}

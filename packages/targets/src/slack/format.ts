import { extraFields, resourceString, subjectOf, truncate } from '../text.ts';
import type { Notification } from '../types.ts';

/** Block Kit limits (https://api.slack.com/reference/block-kit/blocks). */
export const SLACK_LIMITS = { headerText: 150, sectionText: 3000, fields: 10, fieldText: 2000, blocks: 50, contextElements: 10 } as const;

export interface SlackFormatOptions {
  channel?: string;
  customFields?: Record<string, string>;
}

type Block = Record<string, unknown>;

/** Slack mrkdwn needs only these three escaped (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes then truncates, without leaving half an entity before the ellipsis. */
function fit(text: string, max: number): string {
  return truncate(escapeSlack(text), max).replace(/&[a-z]{0,3}…$/, '…');
}

const mrkdwn = (text: string, max: number) => ({ type: 'mrkdwn', text: fit(text, max) });

function resultBlocks(n: Notification): Block[] {
  const r = n.result;
  const title = `*${r.policy}${r.rule ? ` / ${r.rule}` : ''}*`;
  const text = r.message ? `${title}\n${r.message}` : title;
  const facts: Array<[string, string]> = [
    ['Status', r.result ?? ''], ['Severity', r.severity ?? ''], ['Category', r.category ?? ''],
    ['Source', n.source ?? r.source ?? ''], ['Resource', resourceString(subjectOf(n))],
  ];
  const fields = [...facts.filter(([, v]) => v), ...extraFields(n, undefined)]
    .slice(0, SLACK_LIMITS.fields)
    .map(([k, v]) => mrkdwn(`*${k}*\n${v}`, SLACK_LIMITS.fieldText));
  return [
    { type: 'divider' },
    { type: 'section', text: mrkdwn(n.fixed ? `:white_check_mark: fixed: ${text}` : text, SLACK_LIMITS.sectionText) },
    ...(fields.length ? [{ type: 'section', fields }] : []),
  ];
}

/** Results that fit one message: 3 blocks each after at most 3 header blocks. */
export const SLACK_MAX_BATCH = Math.floor((SLACK_LIMITS.blocks - 3) / 3);

/**
 * Builds one incoming-webhook message for a batch: a header, a summary, custom fields, then per
 * result a divider, the policy/message section and a fields section. Every text is escaped and
 * cut to Block Kit's limits; a batch that would pass 50 blocks ends with a "more results" note.
 */
export function formatSlack(batch: readonly Notification[], opts: SlackFormatOptions = {}): Record<string, unknown> {
  const first = batch[0];
  const scope = first?.scope && batch.every((n) => n.report.name === first.report.name) ? resourceString(first.scope) : '';
  const heading = scope ? `${scope} Policy Report Result` : 'New Policy Report Results';
  const summary = `Received ${batch.length} new Policy Report Result${batch.length === 1 ? '' : 's'}`;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(heading, SLACK_LIMITS.headerText), emoji: true } },
    { type: 'context', elements: [mrkdwn(summary, SLACK_LIMITS.sectionText)] },
  ];
  const custom = Object.entries(opts.customFields ?? {}).sort(([a], [b]) => a.localeCompare(b)).slice(0, SLACK_LIMITS.fields);
  if (custom.length) blocks.push({ type: 'section', fields: custom.map(([k, v]) => mrkdwn(`*${k}*\n${v}`, SLACK_LIMITS.fieldText)) });
  let sent = 0;
  for (const n of batch) {
    const more = resultBlocks(n);
    // Keep one block free for the "more results" note unless this is the last result.
    const reserve = sent + 1 < batch.length ? 1 : 0;
    if (blocks.length + more.length + reserve > SLACK_LIMITS.blocks) break;
    blocks.push(...more);
    sent += 1;
  }
  if (sent < batch.length) {
    blocks.push({ type: 'context', elements: [mrkdwn(`…and ${batch.length - sent} more results not shown`, SLACK_LIMITS.sectionText)] });
  }
  return {
    // `text` is the notification/fallback text when blocks are present.
    text: truncate(`${heading}: ${summary}`, SLACK_LIMITS.sectionText),
    blocks,
    ...(opts.channel ? { channel: opts.channel } : {}),
  };
}

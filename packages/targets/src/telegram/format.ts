import { extraFields, resourceString, resultTime, subjectOf, truncate } from '../text.ts';
import type { Notification } from '../types.ts';

export const TELEGRAM_MAX_TEXT = 4096;
const MAX_PROPERTIES = 20;

export type ParseMode = 'MarkdownV2' | 'HTML';

/** https://core.telegram.org/bots/api#markdownv2-style: these must be backslash-escaped anywhere. */
export function escapeMarkdownV2(text: string): string {
  return text.replace(/[\\_*[\]()~`>#+\-=|{}.!]/g, (c) => `\\${c}`);
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes `raw` and cuts it (before escaping, so no escape is split) to at most `max` characters. */
function fitEscaped(raw: string, max: number, esc: (s: string) => string): string {
  let cut = Math.min(raw.length, max);
  for (;;) {
    const out = esc(truncate(raw, cut));
    if (out.length <= max || cut <= 1) return out.length <= max ? out : '';
    cut -= Math.max(1, out.length - max);
  }
}

/** Property lines within `room` characters: values shrink first, then trailing properties go. */
function propertyLines(all: Array<[string, string]>, room: number, esc: (s: string) => string, bold: (s: string) => string): string[] {
  if (all.length === 0) return [];
  let props = all.slice(0, MAX_PROPERTIES);
  for (const valueMax of [200, 100, 50, 20]) {
    const lines = ['', bold(esc('Properties')), ...props.map(([k, v]) => `${esc('- ')}${esc(truncate(k, 50))}: ${esc(truncate(v, valueMax))}`)];
    if (lines.join('\n').length <= room) return lines;
    if (valueMax === 20) {
      while (props.length > 0 && lines.join('\n').length > room) { lines.pop(); props = props.slice(0, -1); }
      return props.length ? lines : [];
    }
  }
  return [];
}

export interface TelegramFormatOptions {
  chatId: string;
  parseMode: ParseMode;
  customFields?: Record<string, string>;
}

/**
 * `sendMessage` body (https://core.telegram.org/bots/api#sendmessage): title, resource, status,
 * time, category, rule, source, message and properties; the message is cut so the whole text
 * stays within 4096 characters.
 */
export function formatTelegram(n: Notification, nowMs: number, opts: TelegramFormatOptions): Record<string, unknown> {
  const md = opts.parseMode === 'MarkdownV2';
  const esc = md ? escapeMarkdownV2 : escapeHtml;
  const bold = (s: string) => (md ? `*${s}*` : `<b>${s}</b>`);
  const r = n.result;
  const line = (k: string, v: string | undefined) => (v ? `${bold(esc(k))}: ${esc(truncate(v, 150))}` : undefined);
  const head = [
    bold(esc(truncate(`[Docket] ${n.fixed ? 'Fixed ' : ''}[${(r.severity ?? 'none').toUpperCase()}] ${r.policy}`, 200))),
    '',
    line('Resource', resourceString(subjectOf(n))), line('Status', r.result), line('Time', resultTime(n, nowMs)),
    line('Category', r.category), line('Rule', r.rule), line('Source', n.source ?? r.source),
  ].filter((l) => l !== undefined);
  const tail = propertyLines(extraFields(n, opts.customFields), TELEGRAM_MAX_TEXT / 2 - head.join('\n').length, esc, bold);
  let text = [...head, ...tail].join('\n');
  if (r.message) {
    const label = `\n\n${bold(esc('Message'))}:\n`;
    const room = TELEGRAM_MAX_TEXT - text.length - label.length;
    if (room > 1) text = [...head, '', `${bold(esc('Message'))}:`, fitEscaped(r.message, room, esc), ...tail].join('\n');
  }
  return { chat_id: opts.chatId, text, parse_mode: opts.parseMode, disable_web_page_preview: true };
}

// Strict schemas of the parts of each service's payload format that Docket emits, written from the
// services' reference docs. Tests parse every formatter's output with them, so a misspelt enum
// value (`weight: 'bold'`) or a missing required field fails here instead of at the service.
import { z } from 'zod';

const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)) && /T.*Z$/.test(s), 'RFC 3339 UTC');

// Slack Block Kit: https://api.slack.com/reference/block-kit/blocks
const slackText = z.strictObject({ type: z.literal('mrkdwn'), text: z.string().min(1).max(3000) });
const slackPlain = z.strictObject({ type: z.literal('plain_text'), text: z.string().min(1).max(150), emoji: z.boolean().optional() });
const slackBlock = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('header'), text: slackPlain }),
  z.strictObject({ type: z.literal('divider') }),
  z.strictObject({ type: z.literal('context'), elements: z.array(slackText).min(1).max(10) }),
  z.strictObject({ type: z.literal('section'), text: slackText.optional(), fields: z.array(slackText.extend({ text: z.string().min(1).max(2000) })).min(1).max(10).optional() })
    .refine((b) => b.text || b.fields, 'section needs text or fields'),
]);
export const slackMessage = z.strictObject({ text: z.string().max(40_000), blocks: z.array(slackBlock).max(50), channel: z.string().optional() });

// Adaptive Cards 1.4: https://adaptivecards.io/explorer/
const spacing = z.enum(['None', 'Small', 'Default', 'Medium', 'Large', 'ExtraLarge', 'Padding']);
const textBlock = z.strictObject({
  type: z.literal('TextBlock'), text: z.string().min(1), wrap: z.boolean().optional(), weight: z.enum(['Default', 'Lighter', 'Bolder']).optional(),
  size: z.enum(['Default', 'Small', 'Medium', 'Large', 'ExtraLarge']).optional(), isSubtle: z.boolean().optional(), spacing: spacing.optional(),
});
const factSet = z.strictObject({ type: z.literal('FactSet'), facts: z.array(z.strictObject({ title: z.string(), value: z.string() })).min(1) });
const container = z.strictObject({ type: z.literal('Container'), separator: z.boolean().optional(), spacing: spacing.optional(), items: z.array(z.union([textBlock, factSet])).min(1) });
export const teamsMessage = z.strictObject({
  type: z.literal('message'),
  attachments: z.array(z.strictObject({
    contentType: z.literal('application/vnd.microsoft.card.adaptive'),
    contentUrl: z.null(),
    content: z.strictObject({
      $schema: z.literal('http://adaptivecards.io/schemas/adaptive-card.json'), type: z.literal('AdaptiveCard'), version: z.enum(['1.0', '1.1', '1.2', '1.3', '1.4', '1.5']),
      msteams: z.strictObject({ width: z.literal('Full') }).optional(), body: z.array(z.union([textBlock, factSet, container])).min(1),
    }),
  })).length(1),
});

// Discord: https://discord.com/developers/docs/resources/webhook#execute-webhook
export const discordMessage = z.strictObject({
  embeds: z.array(z.strictObject({
    title: z.string().min(1).max(256), description: z.string().min(1).max(4096).optional(), color: z.number().int().min(0).max(0xffffff), timestamp: iso,
    fields: z.array(z.strictObject({ name: z.string().min(1).max(256), value: z.string().min(1).max(1024), inline: z.boolean() })).max(25),
  })).min(1).max(10),
  allowed_mentions: z.strictObject({ parse: z.array(z.enum(['roles', 'users', 'everyone'])) }),
});

// Google Chat cardsV2: https://developers.google.com/workspace/chat/api/reference/rest/v1/cards
const decoratedText = z.strictObject({ decoratedText: z.strictObject({ topLabel: z.string(), text: z.string(), wrapText: z.boolean() }) });
const paragraph = z.strictObject({ textParagraph: z.strictObject({ text: z.string() }) });
export const googleChatMessage = z.strictObject({
  text: z.string(),
  cardsV2: z.array(z.strictObject({
    cardId: z.string().min(1).max(64),
    card: z.strictObject({
      header: z.strictObject({ title: z.string().min(1), subtitle: z.string() }),
      sections: z.array(z.strictObject({
        header: z.string().optional(), collapsible: z.boolean().optional(), uncollapsibleWidgetsCount: z.number().int().min(0).optional(),
        widgets: z.array(z.union([decoratedText, paragraph])).min(1),
      })).min(1).max(100),
    }),
  })).min(1),
});

// Alertmanager v2 postableAlerts: https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml
const labelSet = z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string());
export const alertmanagerAlerts = z.array(z.strictObject({ labels: labelSet.refine((l) => Object.keys(l).length > 0), annotations: z.record(z.string(), z.string()), startsAt: iso, endsAt: iso, generatorURL: z.string().optional() }));

// Loki push: https://grafana.com/docs/loki/latest/reference/loki-http-api/#ingest-logs
export const lokiPush = z.strictObject({
  streams: z.array(z.strictObject({ stream: labelSet, values: z.array(z.tuple([z.string().regex(/^\d{19}$/), z.string()])).min(1) })).min(1),
});

// Telegram sendMessage: https://core.telegram.org/bots/api#sendmessage
export const telegramMessage = z.strictObject({ chat_id: z.string(), text: z.string().min(1).max(4096), parse_mode: z.enum(['MarkdownV2', 'HTML']), disable_web_page_preview: z.boolean() });

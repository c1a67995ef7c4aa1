import type { TargetDefinition } from './types.ts';
import { slackTarget } from './slack/index.ts';
import { webhookTarget } from './webhook/index.ts';
import { lokiTarget } from './loki/index.ts';
import { msteamsTarget } from './msteams/index.ts';
import { discordTarget } from './discord/index.ts';
import { alertmanagerTarget } from './alertmanager/index.ts';
import { splunkTarget } from './splunk/index.ts';
import { elasticsearchTarget } from './elasticsearch/index.ts';
import { telegramTarget } from './telegram/index.ts';
import { googlechatTarget } from './googlechat/index.ts';
import { s3Target } from './s3/index.ts';
import { jiraTarget } from './jira/index.ts';

/** Every target, keyed by its type (= config key, folder name, metric label). One line per target. */
export const targetRegistry: Readonly<Record<string, TargetDefinition<any>>> = Object.freeze({
  slack: slackTarget,
  webhook: webhookTarget,
  loki: lokiTarget,
  msteams: msteamsTarget,
  discord: discordTarget,
  alertmanager: alertmanagerTarget,
  splunk: splunkTarget,
  elasticsearch: elasticsearchTarget,
  telegram: telegramTarget,
  googlechat: googlechatTarget,
  s3: s3Target,
  jira: jiraTarget,
});

/** Looks a config key up by type or by the Policy Reporter alias (`teams`, `googleChat`, `alertManager`). */
export function findTarget(key: string, registry: Readonly<Record<string, TargetDefinition<any>>> = targetRegistry): TargetDefinition<any> | undefined {
  return registry[key] ?? Object.values(registry).find((d) => d.aliases?.includes(key));
}

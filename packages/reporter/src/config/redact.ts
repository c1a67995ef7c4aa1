import { redactConfig } from '@docket/targets';
import type { DocketConfig } from './load.ts';

/**
 * A copy of the config safe to log or serve: every field a target schema marks secret (webhook
 * URLs, tokens, passwords, API keys, headers) becomes `"<redacted>"`; target definitions are
 * replaced by their type. Secret values resolved from `secretRef`/`mountedSecret` are covered,
 * since they land in those same fields.
 */
export function redact(config: DocketConfig): Record<string, unknown> {
  const { targets, ...rest } = config; // unconfiguredTargets hold paths and reasons only
  return {
    ...structuredClone(rest),
    targets: targets.map((t) => ({
      type: t.type, key: t.key, name: t.name, path: t.path,
      ...(t.channel === undefined ? {} : { channel: t.channel }),
      skipExistingOnStartup: t.skipExistingOnStartup,
      config: redactConfig(t.definition.configSchema, t.config),
    })),
  };
}

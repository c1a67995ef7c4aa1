// Barrel of the config part of the reporter: loading, validation, secrets and redaction.
export { loadConfig, rootSchema, type DocketConfig, type ConfigSource, type LoadConfigOptions } from './load.ts';
export { ConfigError, formatProblem, formatPath, type ConfigProblem } from './errors.ts';
export { redact } from './redact.ts';
export { ENV_VARIABLES } from './env.ts';
export { resolveTargets, type ResolvedTarget, type ResolvedTargets, type UnconfiguredTarget } from './targets.ts';
export { createKubeSecretReader, decodeSecretData, parseSecretFile, type SecretReader, type FileReader, type SecretsApi } from './secrets.ts';
export {
  durationSchema, includeExcludeSchema, kubernetesSourceSchema, sourcesSchema, reportFilterSchema, reporterSchema,
  deliverySchema, leaderElectionSchema, REPORT_KINDS,
  type ReportKind, type KubernetesSourceConfig, type SourcesConfig, type ReportFilterConfig, type ReporterConfig,
  type DeliveryConfig, type LeaderElectionConfig,
} from './sections.ts';
export { metricsSchema, customLabelName, CUSTOM_LABEL_FIELDS, type MetricsConfig } from './metrics-schema.ts';

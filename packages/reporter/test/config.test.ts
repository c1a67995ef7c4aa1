import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { targetRegistry } from '@docket/targets';
import { loadConfig, type LoadConfigOptions } from '../src/config/index.ts';

const examples = new URL('../../../docs/examples/', import.meta.url).pathname;

/** Secrets the examples refer to, served by test doubles for the Kubernetes API and mounted files. */
const SECRETS: Record<string, Record<string, string>> = {
  'docket-telegram': { token: '123456:ABC-telegram-token' },
  'docket-loki': { password: 'loki-password' },
  'docket-s3': { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG' },
  'docket-jira': { apiToken: 'jira-api-token' },
};
const exampleOptions: LoadConfigOptions = {
  readSecret: async (name) => {
    const data = SECRETS[name];
    if (!data) throw new Error(`secrets "${name}" not found`);
    return data;
  },
  readFile: async (path) => path.startsWith('/etc/docket/secrets/') ? 'token: Bearer webhook-token\n' : readFileSync(path, 'utf8'),
};

test('every target has an example under docs/examples/targets, and each one loads', async () => {
  const dir = join(examples, 'targets');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  assert.deepEqual(files, Object.keys(targetRegistry).map((t) => `${t}.yaml`).sort());
  for (const file of files) {
    const config = await loadConfig({ path: join(dir, file) }, exampleOptions);
    const type = file.replace(/\.yaml$/, '');
    assert.ok(config.targets.length >= 1, `${file} configures a target`);
    for (const t of config.targets) assert.equal(t.type, type, `${file}: ${t.path} is a ${type} target`);
  }
});

test('docs/examples/docket.yaml loads with every section set', async () => {
  const c = await loadConfig({ path: join(examples, 'docket.yaml') }, exampleOptions);
  assert.deepEqual(c.targets.map((t) => `${t.type}:${t.name}`), ['slack:Slack', 'slack:team-shop', 'loki:Loki', 'alertmanager:AlertManager']);
  assert.deepEqual(c.sources.kubernetes.map((k) => k.name), ['prod', 'local']);
  assert.equal(c.metrics.mode, 'custom');
  assert.equal(c.leaderElection.lockName, 'docket-reporter');
  assert.deepEqual(c.reporter.customIdFields['kyverno'], ['resource.uid', 'resource.name', 'policy', 'rule', 'result']);
  assert.equal(c.delivery.backoff.max, 300_000);
});

test('an empty config gives the documented defaults', async () => {
  const c = await loadConfig({ text: '' });
  assert.deepEqual(c.targets, []);
  assert.deepEqual(c.sources, { kubernetes: [] });
  assert.deepEqual(c.reporter, { flapWindow: 21_600_000, deletedReportGrace: 600_000, statuses: ['warn', 'fail', 'error'], customIdFields: {} });
  assert.deepEqual(c.delivery, { concurrency: 4, maxAttempts: 12, backoff: { base: 1000, max: 300_000 }, sendTimeout: 30_000, pollInterval: 1000 });
  assert.deepEqual(c.leaderElection, { enabled: false, lockName: 'docket', leaseDuration: 15_000, renewDeadline: 10_000, retryPeriod: 2000, releaseOnCancel: true });
  assert.deepEqual(c.metrics, { enabled: true, mode: 'simple', customLabels: [] });
  assert.deepEqual(c.reportFilter, { disableClusterReports: false });
});

test('durations: Go duration strings and numbers of seconds', async () => {
  const c = await loadConfig({ text: 'reporter:\n  flapWindow: 1h30m\ndelivery:\n  sendTimeout: 2.5\n  backoff: {base: 250ms, max: 90}\n' });
  assert.equal(c.reporter.flapWindow, 5_400_000);
  assert.equal(c.delivery.sendTimeout, 2500);
  assert.deepEqual(c.delivery.backoff, { base: 250, max: 90_000 });
});

test('the config is frozen all the way down', async () => {
  const c = await loadConfig({ text: 'target:\n  slack:\n    webhook: https://hooks.slack.com/x\n    filter: {namespaces: {include: [a]}}\n' });
  assert.throws(() => { (c as { metrics: unknown }).metrics = {}; }, TypeError);
  assert.throws(() => { (c.delivery as { concurrency: number }).concurrency = 9; }, TypeError);
  assert.throws(() => { (c.targets[0]!.config['filter'] as { namespaces: { include: string[] } }).namespaces.include.push('b'); }, TypeError);
});

test('channels inherit the root (filter included) unless they set their own; skipExistingOnStartup defaults to true', async () => {
  const c = await loadConfig({ text: `
target:
  slack:
    webhook: https://hooks.slack.com/root
    minimumSeverity: high
    sources: [kyverno]
    filter: {namespaces: {exclude: [kube-*]}}
    channels:
      - name: inherits
      - name: own
        webhook: https://hooks.slack.com/own
        minimumSeverity: low
        filter: {policies: {include: [p*]}}
  loki:
    host: http://loki:3100
    skipExistingOnStartup: false
    channels: [{name: loki-2}]
` });
  const by = Object.fromEntries(c.targets.map((t) => [t.name, t]));
  assert.deepEqual(Object.keys(by), ['Slack', 'inherits', 'own', 'Loki', 'loki-2']);
  assert.deepEqual(by['inherits']!.filter, { filter: { namespaces: { exclude: ['kube-*'] } }, minimumSeverity: 'high', sources: ['kyverno'] });
  assert.equal(by['inherits']!.config['webhook'], 'https://hooks.slack.com/root');
  assert.equal(by['inherits']!.path, 'target.slack.channels[0]');
  assert.deepEqual(by['own']!.filter, { filter: { policies: { include: ['p*'] } }, minimumSeverity: 'low', sources: ['kyverno'] });
  assert.equal(by['own']!.config['webhook'], 'https://hooks.slack.com/own');
  assert.equal(by['Slack']!.skipExistingOnStartup, true);
  assert.equal(by['Loki']!.skipExistingOnStartup, false);
  assert.equal(by['loki-2']!.skipExistingOnStartup, false);
});

test('Policy Reporter layouts: config: nesting, aliases (teams, googleChat, alertManager, elasticSearch), targets as a synonym', async () => {
  const c = await loadConfig({ text: `
target:
  teams:
    config: {webhook: https://teams.example/hook}
    channels:
      - config: {webhook: https://teams.example/other}
  googleChat: {webhook: https://chat.googleapis.com/x}
  alertManager: {host: http://am:9093}
  elasticSearch: {host: http://es:9200, config: {index: pr}}
` });
  assert.deepEqual(c.targets.map((t) => `${t.key}/${t.type}/${t.name}`), [
    'teams/msteams/Teams', 'teams/msteams/Teams Channel 1', 'googleChat/googlechat/GoogleChat', 'alertManager/alertmanager/AlertManager', 'elasticSearch/elasticsearch/Elasticsearch',
  ]);
  assert.equal(c.targets[1]!.config['webhook'], 'https://teams.example/other');
  assert.equal(c.targets[4]!.config['index'], 'pr');
  const plural = await loadConfig({ text: 'targets:\n  discord: {webhook: https://discord.com/api/webhooks/1/x}\n' });
  assert.equal(plural.targets[0]!.path, 'targets.discord');
});

test('documented environment variables: Policy Reporter names fill gaps, DOCKET_* switches override', async () => {
  const env = { POD_NAME: 'docket-0', POD_NAMESPACE: 'policy', SLACK_WEBHOOK: 'https://hooks.slack.com/env', AWS_REGION: 'eu-west-1', DOCKET_METRICS_ENABLED: 'false', DOCKET_LEADER_ELECTION_ENABLED: 'true' };
  const c = await loadConfig({ text: `
metrics: {enabled: true}
leaderElection: {namespace: from-file}
target:
  s3: {accessKeyId: a, secretAccessKey: b, bucket: reports}
` }, { env });
  assert.equal(c.leaderElection.podName, 'docket-0');
  assert.equal(c.leaderElection.namespace, 'from-file', 'the file wins over POD_NAMESPACE');
  assert.equal(c.leaderElection.enabled, true);
  assert.equal(c.metrics.enabled, false);
  assert.deepEqual(c.targets.map((t) => t.type), ['s3', 'slack']);
  assert.equal(c.targets[0]!.config['region'], 'eu-west-1');
  assert.equal(c.targets[1]!.config['webhook'], 'https://hooks.slack.com/env');
  const fileWins = await loadConfig({ text: 'target:\n  slack: {webhook: https://hooks.slack.com/file}\n' }, { env });
  assert.equal(fileWins.targets[0]!.config['webhook'], 'https://hooks.slack.com/file');
});

test('sources and custom id fields', async () => {
  const c = await loadConfig({ text: `
sources:
  kubernetes:
    - {kubeconfig: /k/config, context: c1, kinds: [Report], namespaces: {include: [a]}}
    - {name: remote, server: http://127.0.0.1:8080, sources: {exclude: [falco]}, labelSelector: "app=x"}
reporter:
  customIdFields: {trivy: [namespace, "property:vulnerabilityID", resource.kind]}
` });
  assert.deepEqual(c.sources.kubernetes[0], { kubeconfig: '/k/config', context: 'c1', kinds: ['Report'], namespaces: { include: ['a'] } });
  assert.equal(c.sources.kubernetes[1]!.server, 'http://127.0.0.1:8080');
  assert.deepEqual(c.reporter.customIdFields['trivy'], ['resource.namespace', 'property:vulnerabilityID', 'resource.kind']);
});

test('Policy Reporter sourceConfig custom ids become reporter.customIdFields', async () => {
  const c = await loadConfig({ text: `
sourceConfig:
  - selector: {source: kyverno}
    customId: {enabled: true, fields: [resource, policy, rule, "property:pod"]}
  - selector: {source: trivy}
    customId: {enabled: false, fields: [policy]}
reporter:
  customIdFields: {falco: [policy]}
` });
  assert.deepEqual(c.reporter.customIdFields, {
    falco: ['policy'],
    kyverno: ['resource.uid', 'resource.name', 'policy', 'rule', 'property:pod'],
  });
  assert.ok(!('sourceConfig' in c));
});

test('Policy Reporter Helm values: empty strings are unset, and target blocks that set nothing are listed, not errors', async () => {
  const c = await loadConfig({ text: `
target:
  loki:
    host: ""
    path: ""
    certificate: ""
    skipTLS: false
    secretRef: ""
    mountedSecret: ""
    minimumSeverity: ""
    skipExistingOnStartup: true
    sources: []
    customFields: {}
    filter: {}
    channels: []
  slack:
    webhook: https://hooks.slack.com/services/T/B/X
    channel: ""
    minimumSeverity: ""
    skipExistingOnStartup: true
    channels: []
  kinesis:
    accessKeyId: ""
    streamName: ""
    skipExistingOnStartup: true
` });
  assert.deepEqual(c.targets.map((t) => t.path), ['target.slack']);
  assert.ok(!('channel' in c.targets[0]!.config));
  assert.deepEqual(c.unconfiguredTargets, [
    { path: 'target.loki', reason: 'no host, channels, secretRef or mountedSecret' },
    { path: 'target.kinesis', reason: 'AWS Kinesis is not supported by Docket; the block sets nothing' },
  ]);
});

test('reportFilter: Policy Reporter code spelling clusterReports.disabled and docs spelling disableClusterReports', async () => {
  const a = await loadConfig({ text: 'reportFilter:\n  namespaces: {include: [], exclude: [kube-*]}\n  clusterReports: {disabled: true}\n' });
  assert.deepEqual(a.reportFilter, { namespaces: { include: [], exclude: ['kube-*'] }, disableClusterReports: true });
  const b = await loadConfig({ text: 'reportFilter: {disableClusterReports: true}\n' });
  assert.deepEqual(b.reportFilter, { disableClusterReports: true });
});

test('a root without its connection keys but with channels is only their template (Policy Reporter: a root is a target only if valid)', async () => {
  const c = await loadConfig({ text: `
target:
  slack:
    minimumSeverity: high
    filter: {namespaces: {exclude: [kube-*]}}
    customFields: {cluster: prod}
    channels:
      - name: team-a
        webhook: https://hooks.slack.com/a
      - config: {webhook: https://hooks.slack.com/b}
        minimumSeverity: low
` });
  assert.deepEqual(c.targets.map((t) => [t.name, t.path, t.config['webhook'], t.filter.minimumSeverity]), [
    ['team-a', 'target.slack.channels[0]', 'https://hooks.slack.com/a', 'high'],
    ['Slack Channel 2', 'target.slack.channels[1]', 'https://hooks.slack.com/b', 'low'],
  ]);
  assert.deepEqual(c.targets[0]!.filter.filter, { namespaces: { exclude: ['kube-*'] } });
  assert.deepEqual(c.targets[1]!.config['customFields'], { cluster: 'prod' });
  assert.deepEqual(c.unconfiguredTargets, [{ path: 'target.slack', reason: 'no webhook: only its channels are targets' }]);
});

test('a misspelt connection key is an error, not a silently unused target block', async () => {
  await assert.rejects(loadConfig({ text: 'target:\n  webhook:\n    webhok: http://127.0.0.1:9/hook\n', file: 'docket.yaml' }),
    (e: Error) => /target\.webhook/.test(e.message) && /webhok/.test(e.message));
});

test('docs/examples/local.yaml loads with nothing but the file (the README first-run example)', async () => {
  const c = await loadConfig({ path: join(examples, 'local.yaml') });
  assert.deepEqual(c.targets.map((t) => [t.type, t.config['webhook']]), [['webhook', 'http://127.0.0.1:9000/hook']]);
  assert.deepEqual(c.sources.kubernetes, []);
});

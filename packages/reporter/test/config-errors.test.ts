import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, type ConfigProblem, type LoadConfigOptions } from '../src/config/index.ts';

/** Loads `text` expecting a ConfigError; returns its problems as `line:col path: message` (line/col when known). */
async function problems(text: string, opts: LoadConfigOptions = {}): Promise<string[]> {
  try {
    await loadConfig({ text, file: 'docket.yaml' }, opts);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.equal(err.file, 'docket.yaml');
    return err.problems.map((p: ConfigProblem) => `${p.line !== undefined ? `${p.line}:${p.column} ` : ''}${p.path}: ${p.message}`);
  }
  assert.fail('config was accepted');
}

const CASES: Array<{ name: string; text: string; expect: Array<string | RegExp>; opts?: LoadConfigOptions }> = [
  {
    name: 'misspelled key inside a channel filter',
    text: 'target:\n  slack:\n    webhook: https://hooks.slack.com/a\n    channels:\n      - name: a\n      - name: b\n        filter:\n          namespaces:\n            includ: [x]\n',
    expect: ['9:13 target.slack.channels[1].filter.namespaces: Unrecognized key "includ"'],
  },
  {
    name: 'misspelled top-level section',
    text: 'metric:\n  enabled: true\n',
    expect: ['1:1 : Unrecognized key "metric"'],
  },
  {
    name: 'Policy Reporter key Docket does not take, with a hint',
    text: 'redis:\n  enabled: true\n',
    expect: [/^1:1 : Unrecognized key "redis" \(Policy Reporter's "redis": not needed/],
  },
  {
    name: 'unknown and unsupported targets',
    text: 'target:\n  kinesis: {streamName: results}\n  pagerduty: {}\n',
    expect: [/^2:3 target: AWS Kinesis is not supported by Docket \(targets: slack, webhook, loki, teams/, /^3:3 target: unknown target "pagerduty"/],
  },
  {
    name: 'required target key missing',
    text: 'target:\n  jira:\n    host: https://jira.example\n',
    expect: [/^3:5 target\.jira\.projectKey: Invalid input: expected string, received undefined$/],
  },
  {
    name: 'a channel of a template root that lacks a connection key, and one with a bad value under config:',
    text: 'target:\n  slack:\n    minimumSeverity: high\n    channels:\n      - name: a\n      - config: {webhook: nope}\n',
    expect: ['5:9 target.slack.channels[0].webhook: Invalid input: expected string, received undefined', '6:27 target.slack.channels[1].config.webhook: must be an http(s) URL'],
  },
  {
    name: 'bad value in a key nested under config:',
    text: 'target:\n  teams:\n    config:\n      webhook: teams.example/hook\n',
    expect: ['4:16 target.teams.config.webhook: must be an http(s) URL'],
  },
  {
    name: 'key set both beside and under config:',
    text: 'target:\n  teams:\n    webhook: https://a.example/x\n    config:\n      webhook: https://b.example/y\n',
    expect: ['5:7 target.teams.config: "webhook" is set both here and beside "config"'],
  },
  {
    name: 'the same target under its type and its alias',
    text: 'target:\n  teams: {webhook: https://a.example/x}\n  msteams: {webhook: https://a.example/y}\n',
    expect: [/^3:3 target: "msteams" and "teams" are the same target/],
  },
  {
    name: 'duplicate target names',
    text: 'target:\n  slack:\n    webhook: https://hooks.slack.com/a\n    channels:\n      - name: Slack\n',
    expect: ['5:15 target.slack.channels[0].name: target name "Slack" is also used by target.slack; names must be unique'],
  },
  {
    name: 'target and targets together',
    text: 'target: {}\ntargets: {}\n',
    expect: [/^2:1 : set "target" \(Policy Reporter's key\) or "targets", not both/],
  },
  {
    name: 'wrong types, bad enums, bad durations — all reported together in file order',
    text: 'delivery:\n  concurrency: four\n  sendTimeout: 3 seconds\nmetrics:\n  mode: fancy\nreporter:\n  statuses: [fail, bad]\n',
    expect: [
      '2:16 delivery.concurrency: Invalid input: expected number, received string',
      /^3:16 delivery\.sendTimeout: invalid duration "3 seconds"/,
      /^5:9 metrics\.mode: Invalid option: expected one of "detailed"\|"simple"\|"custom"/,
      /^7:20 reporter\.statuses\[1\]: Invalid option/,
    ],
  },
  {
    name: 'metrics: custom mode without labels, labels without custom mode, unknown label',
    text: 'metrics:\n  mode: custom\n',
    expect: ['2:3 metrics.customLabels: mode "custom" needs at least one custom label'],
  },
  {
    name: 'metrics: labels without mode custom and an unknown label',
    text: 'metrics:\n  customLabels: [policy, resource]\n',
    expect: [/^2:17 metrics\.customLabels: customLabels only apply with mode "custom"/, /^2:26 metrics\.customLabels\[1\]: unknown custom label/],
  },
  {
    name: 'metrics: two entries that give the same label name',
    text: 'metrics:\n  mode: custom\n  customLabels: ["label:a.b", "label:a/b"]\n',
    expect: ['3:31 metrics.customLabels[1]: "label:a/b" gives label label_a_b, as does customLabels[0]'],
  },
  {
    name: 'sources: conflicting connection settings and duplicate names',
    text: 'sources:\n  kubernetes:\n    - {inCluster: true, kubeconfig: /x}\n    - {name: prod, server: http://a:1}\n    - {name: prod, inCluster: true, kinds: [Pod]}\n',
    expect: [
      /^3:7 sources\.kubernetes\[0\]: set only one of server, inCluster, kubeconfig/,
      /^5:45 sources\.kubernetes\[2\]\.kinds\[0\]: Invalid option/,
    ],
  },
  {
    name: 'sources: duplicate cluster names',
    text: 'sources:\n  kubernetes:\n    - {name: prod, server: http://a:1}\n    - {name: prod, inCluster: true}\n',
    expect: [/^4:14 sources\.kubernetes\[1\]\.name: duplicate cluster name "prod"/],
  },
  {
    name: 'leader election durations out of order',
    text: 'leaderElection:\n  leaseDuration: 10\n  renewDeadline: 15s\n',
    expect: ['3:18 leaderElection.renewDeadline: must be shorter than leaseDuration'],
  },
  {
    name: 'backoff base above max',
    text: 'delivery:\n  backoff: {base: 10m, max: 1m}\n',
    expect: ['2:19 delivery.backoff.base: must not exceed backoff.max'],
  },
  {
    name: 'unknown custom id field',
    text: 'reporter:\n  customIdFields:\n    kyverno: [policy, created]\n',
    expect: [/^3:23 reporter\.customIdFields\.kyverno\[1\]: unknown id field/],
  },
  {
    name: 'sourceConfig and reporter.customIdFields both set for a source',
    text: 'reporter:\n  customIdFields: {kyverno: [policy]}\nsourceConfig:\n  - selector: {source: kyverno}\n    customId: {fields: [rule]}\n',
    expect: ['4:24 sourceConfig[0].selector.source: custom id fields of source "kyverno" are also set in reporter.customIdFields; keep one'],
  },
  {
    name: 'sourceConfig keys Docket does not take',
    text: 'sourceConfig:\n  - selector: {source: kyverno}\n    selfassignNamespaces: true\n',
    expect: ['3:5 sourceConfig[0]: Unrecognized key "selfassignNamespaces"'],
  },
  {
    name: 'YAML syntax error',
    text: 'target:\n  slack: {webhook: x\n',
    expect: [/^3:1 : /],
  },
  {
    name: 'duplicate YAML keys',
    text: 'metrics:\n  enabled: true\n  enabled: false\n',
    expect: [/^3:3 : Map keys must be unique/],
  },
  {
    name: 'not a map',
    text: '- a\n- b\n',
    expect: [': the config must be a map (target, sources, reporter, …)'],
  },
  {
    name: 'bad environment variable value',
    text: '',
    opts: { env: { DOCKET_METRICS_ENABLED: 'yes' } },
    expect: [': environment variable DOCKET_METRICS_ENABLED="yes" must be true or false'],
  },
  {
    name: 'secretRef without a cluster to read it from',
    text: 'target:\n  loki:\n    host: http://loki:3100\n    secretRef: loki-creds\n',
    expect: ['4:16 target.loki.secretRef: Secret "loki-creds" cannot be read: no Kubernetes cluster to read it from'],
  },
  {
    name: 'secretRef that cannot be read',
    text: 'target:\n  loki:\n    host: http://loki:3100\n    secretRef: loki-creds\n',
    opts: { readSecret: async (name, ns) => { throw new Error(`secrets "${name}" is forbidden in ${ns}`); }, env: { POD_NAMESPACE: 'docket' } },
    expect: ['4:16 target.loki.secretRef: cannot read Secret "loki-creds" in namespace "docket": secrets "loki-creds" is forbidden in docket'],
  },
  {
    name: 'mountedSecret file missing or malformed',
    text: 'target:\n  loki:\n    host: http://loki:3100\n    mountedSecret: /missing\n  splunk:\n    host: http://s:8088\n    mountedSecret: /nested\n',
    opts: { readFile: async (p) => { if (p === '/nested') return 'token: {a: 1}\n'; throw new Error(`ENOENT: no such file, open '${p}'`); } },
    expect: [
      "4:20 target.loki.mountedSecret: cannot use mounted secret /missing: ENOENT: no such file, open '/missing'",
      '7:20 target.splunk.mountedSecret: cannot use mounted secret /nested: key "token" must be a string, number or boolean',
    ],
  },
];

for (const c of CASES) {
  test(`config error: ${c.name}`, async () => {
    const got = await problems(c.text, c.opts);
    assert.equal(got.length, c.expect.length, `problems:\n${got.join('\n')}`);
    c.expect.forEach((e, i) => {
      if (typeof e === 'string') assert.equal(got[i], e);
      else assert.match(got[i]!, e);
    });
  });
}

test('a missing config file is a ConfigError naming the file', async () => {
  await assert.rejects(loadConfig({ path: '/nonexistent/docket.yaml' }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /^invalid \/nonexistent\/docket\.yaml \(1 problem\):\n {2}\/nonexistent\/docket\.yaml: cannot read config file: ENOENT/);
    return true;
  });
});

test('the error message lists every problem with file:line:col', async () => {
  await assert.rejects(loadConfig({ text: 'metric: 1\ndelivery: {concurrency: 0}\n', file: 'docket.yaml' }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.message, [
      'invalid docket.yaml (2 problems):',
      '  docket.yaml:1:1 Unrecognized key "metric"',
      '  docket.yaml:2:25 delivery.concurrency: Too small: expected number to be >=1',
    ].join('\n'));
    return true;
  });
});

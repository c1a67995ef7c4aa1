import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  findTarget, isSecretSchema, parseGoDuration, redactConfig, slackTarget, targetRegistry, truncate, webhookTarget,
  elasticsearchTarget, s3Target, jiraTarget, applySecretValues, expandChannels,
} from '../src/index.ts';

describe('truncate', () => {
  const cases: Array<[string, number, string]> = [
    ['abc', 3, 'abc'], ['abcd', 3, 'ab…'], ['abcd', 1, '…'], ['abcd', 0, ''], ['', 5, ''],
    ['a😀b', 3, 'a…'], ['a😀b', 4, 'a😀b'], ['😀😀😀', 4, '😀…'],
  ];
  for (const [text, max, expected] of cases) {
    it(`${JSON.stringify(text)} to ${max}`, () => {
      const out = truncate(text, max);
      assert.equal(out, expected);
      assert.ok(out.length <= max);
      assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(out), 'no lone high surrogate');
    });
  }
});

describe('parseGoDuration', () => {
  const cases: Array<[string, number | undefined]> = [['0', 0], ['30s', 30_000], ['1m30s', 90_000], ['250ms', 250], ['1h', 3_600_000], ['1.5h', 5_400_000], ['', undefined], ['5', undefined], ['5 m', undefined], ['1d', undefined]];
  for (const [input, expected] of cases) it(`${JSON.stringify(input)}`, () => assert.equal(parseGoDuration(input), expected));
});

describe('common config', () => {
  it('accepts every common key as Policy Reporter names it', () => {
    const parsed = slackTarget.configSchema.parse({
      name: 'team-a', webhook: 'https://hooks.slack.com/x', minimumSeverity: 'high', sources: ['kyverno'],
      filter: { namespaces: { include: ['team-*'], selector: { team: 'a' } }, status: { exclude: ['warn'] }, reportLabels: { include: ['app:web*'] } },
      customFields: { cluster: 'prod' }, secretRef: 'slack-secret', mountedSecret: '/etc/secret.json', skipExistingOnStartup: false,
      certificate: '/ca.pem', skipTLS: true, headers: { 'X-A': 'b' },
      channels: [{ name: 'ch', channel: '#c', filter: { policies: { include: ['require-*'] } } }],
    });
    assert.equal(parsed.channels?.[0]?.channel, '#c');
    assert.equal(parsed.minimumSeverity, 'high');
  });

  it('reports all errors with their paths (strict objects)', () => {
    const r = slackTarget.configSchema.safeParse({ webhook: 'ftp://x', minimumSeverity: 'urgent', bogus: 1, channels: [{ nope: true }] });
    assert.equal(r.success, false);
    const paths = r.error!.issues.map((i) => `${i.path.join('.')}:${i.code}`).sort();
    assert.deepEqual(paths, [':unrecognized_keys', 'channels.0:unrecognized_keys', 'minimumSeverity:invalid_value', 'webhook:invalid_format']);
  });

  it('channels inherit: nothing is required and no defaults are filled in', () => {
    const parsed = webhookTarget.configSchema.parse({ webhook: 'http://x', channels: [{}] });
    assert.deepEqual(parsed.channels, [{}]);
    assert.equal(parsed.skipExistingOnStartup, undefined);
  });

  it('secret fields are marked and redacted', () => {
    const shape = (elasticsearchTarget.configSchema as any).shape;
    assert.equal(isSecretSchema(shape.apiKey), true);
    assert.equal(isSecretSchema(shape.password), true);
    assert.equal(isSecretSchema(shape.host), false);
    const raw = { host: 'http://es', apiKey: 'k', headers: { a: 'b' }, channels: [{ password: 'p', index: 'i' }] };
    assert.deepEqual(redactConfig(elasticsearchTarget.configSchema, raw), {
      host: 'http://es', apiKey: '<redacted>', headers: '<redacted>', channels: [{ password: '<redacted>', index: 'i' }],
    });
    assert.deepEqual(redactConfig(s3Target.configSchema, { bucket: 'b', accessKeyId: 'a', secretAccessKey: 's' }), { bucket: 'b', accessKeyId: '<redacted>', secretAccessKey: '<redacted>' });
    assert.deepEqual(redactConfig(jiraTarget.configSchema, { host: 'h', apiToken: 't', projectKey: 'P' }), { host: 'h', apiToken: '<redacted>', projectKey: 'P' });
  });
});

describe('registry', () => {
  const types = Object.keys(targetRegistry);

  it('holds every target once, keyed by its type', () => {
    assert.deepEqual(types.sort(), ['alertmanager', 'discord', 'elasticsearch', 'googlechat', 'jira', 'loki', 'msteams', 's3', 'slack', 'splunk', 'telegram', 'webhook']);
    for (const t of types) assert.equal(targetRegistry[t]!.type, t);
  });

  it('resolves Policy Reporter keys', () => {
    const cases: Array<[string, string | undefined]> = [['teams', 'msteams'], ['googleChat', 'googlechat'], ['alertManager', 'alertmanager'], ['elasticSearch', 'elasticsearch'], ['slack', 'slack'], ['kinesis', undefined]];
    for (const [key, type] of cases) assert.equal(findTarget(key)?.type, type, key);
  });

  it('no alias collides with a type or another alias', () => {
    const all = [...types, ...types.flatMap((t) => targetRegistry[t]!.aliases ?? [])];
    assert.equal(new Set(all).size, all.length);
  });

  it('every target has a folder and a test file that runs the contract suite', () => {
    const folders = readdirSync(new URL('../src', import.meta.url), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    assert.deepEqual(folders, [...types].sort());
    for (const t of types) {
      const test = readFileSync(new URL(`./${t}.test.ts`, import.meta.url), 'utf8');
      assert.match(test, new RegExp(`runTargetContract\\(${t}Target,`), `${t}.test.ts must run the contract`);
    }
  });
});

describe('applySecretValues', () => {
  it('secret keys override the file, aliases and booleans are mapped, foreign keys ignored', () => {
    const es = applySecretValues(elasticsearchTarget, { host: 'http://old', index: 'i' }, { host: 'https://es:9200', apiKey: 'k', typelessApi: 'false', webhook: 'ignored', accessKeyId: 'x' });
    assert.deepEqual(es, { host: 'https://es:9200', index: 'i', apiKey: 'k', typelessApi: false });
    const jira = applySecretValues(jiraTarget, { host: 'https://j', projectKey: 'P' }, { username: 'u', token: 't' });
    assert.equal(jira.apiToken, 't');
    assert.equal(jira.username, 'u');
    const webhook = applySecretValues(webhookTarget, {}, { webhook: 'https://hook', token: 'Bearer z' });
    assert.deepEqual(webhook, { webhook: 'https://hook', token: 'Bearer z' });
  });
  it('still validates the merged config', () => {
    assert.throws(() => applySecretValues(slackTarget, {}, { channel: '#c' }), /webhook/);
  });
  it('only Alertmanager resolves fixed results', () => {
    assert.deepEqual(Object.values(targetRegistry).filter((d) => d.resolvesFixed).map((d) => d.type), ['alertmanager']);
  });
});

describe('expandChannels', () => {
  it('root plus one target per channel, inheriting and merging', () => {
    const root = slackTarget.configSchema.parse({
      name: 'Slack', webhook: 'https://root', minimumSeverity: 'high', filter: { namespaces: { include: ['a'] } },
      headers: { x: '1', y: '1' }, customFields: { cluster: 'prod' },
      channels: [
        { channel: '#team-b', filter: { namespaces: { include: ['b'] } }, headers: { y: '2' } },
        { name: 'other', webhook: 'https://other', minimumSeverity: 'low', customFields: { team: 'c' } },
      ],
    });
    assert.deepEqual(expandChannels(slackTarget, root), [
      { name: 'Slack', webhook: 'https://root', minimumSeverity: 'high', filter: { namespaces: { include: ['a'] } }, headers: { x: '1', y: '1' }, customFields: { cluster: 'prod' } },
      { name: 'Slack Channel 1', webhook: 'https://root', channel: '#team-b', minimumSeverity: 'high', filter: { namespaces: { include: ['b'] } }, headers: { x: '1', y: '2' }, customFields: { cluster: 'prod' } },
      { name: 'other', webhook: 'https://other', minimumSeverity: 'low', filter: { namespaces: { include: ['a'] } }, headers: { x: '1', y: '1' }, customFields: { cluster: 'prod', team: 'c' } },
    ]);
  });
  it('unnamed root is named after the type', () => {
    assert.deepEqual(expandChannels(webhookTarget, webhookTarget.configSchema.parse({ webhook: 'http://x', channels: [{}] })).map((c) => c.name), ['Webhook', 'Webhook Channel 1']);
  });
});

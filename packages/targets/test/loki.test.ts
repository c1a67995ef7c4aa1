import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatLoki, LOKI_LIMITS, lokiLabels, lokiTarget, toLabelName } from '../src/index.ts';
import { runTargetContract } from './support/contract.ts';
import { ctx, NOW, notification, testDeps } from './support/fixtures.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

describe('loki format', () => {
  it('label names are sanitised', () => {
    const cases: Array<[string, string]> = [['a.b', 'a_b'], ['list[]', 'list'], ['9x', '_9x'], ['ok_1', 'ok_1'], ['app.kubernetes.io/name', 'app_kubernetes_io_name']];
    for (const [i, o] of cases) assert.equal(toLabelName(i), o);
  });

  it('one stream per label set, nanosecond string timestamps', () => {
    const a = notification({ resultOverrides: { properties: { resultID: 'x', 'pod.ip': '10/0' } } });
    const b = notification({ resultId: 'r-2', resultOverrides: { properties: { 'pod.ip': '10/0', resultID: 'y' }, message: 'second', timestamp: undefined } });
    const c = notification({ resultId: 'r-3', resultOverrides: { severity: undefined, message: undefined } });
    assert.deepEqual(formatLoki([a, b, c], NOW, { cluster: 'prod' }), {
      streams: [
        {
          stream: {
            pod_ip: '100', cluster: 'prod', createdBy: 'docket', status: 'fail', policy: 'require-labels', rule: 'check-team',
            category: 'Best Practices', severity: 'high', source: 'kyverno', apiVersion: 'v1', kind: 'Pod', name: 'web-0', namespace: 'shop',
          },
          values: [['1795000000000000005', '[HIGH] label team is required'], ['1795348800000000000', '[HIGH] second']],
        },
        {
          stream: {
            version: '1.2', cluster: 'prod', createdBy: 'docket', status: 'fail', policy: 'require-labels', rule: 'check-team',
            category: 'Best Practices', source: 'kyverno', apiVersion: 'v1', kind: 'Pod', name: 'web-0', namespace: 'shop',
          },
          values: [['1795000000000000005', '[NONE]']],
        },
      ],
    });
  });
});

describe('loki limits', () => {
  it('at most 15 labels; leftovers go to the line as logfmt; long values are cut', () => {
    const props = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`p${i}`, `v${i}`]));
    const n = notification({ resultOverrides: { properties: { ...props, resultID: 'x' }, message: 'm', policy: 'p'.repeat(5000) } });
    const { labels, rest } = lokiLabels(n, { cluster: 'prod' });
    assert.equal(Object.keys(labels).length, LOKI_LIMITS.labels);
    // 11 fixed labels + cluster + p0..p2 = 15.
    assert.deepEqual([labels['cluster'], labels['p0'], labels['p2'], labels['p3'], labels['resultID']], ['prod', 'v0', 'v2', undefined, undefined]);
    assert.deepEqual(rest.map(([k]) => k), ['p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9']);
    assert.equal(labels['policy']!.length, LOKI_LIMITS.labelValueChars);
    const [[, line]] = formatLoki([n], NOW, { cluster: 'prod' }).streams[0]!.values as [[string, string]];
    assert.equal(line, '[HIGH] m p3="v3" p4="v4" p5="v5" p6="v6" p7="v7" p8="v8" p9="v9"');
  });
  it('cuts huge lines', () => {
    const [[, line]] = formatLoki([notification({ resultOverrides: { message: 'x'.repeat(100_000) } })], NOW).streams[0]!.values as [[string, string]];
    assert.equal(line.length, LOKI_LIMITS.lineChars);
  });
});

describe('loki send', () => {
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver({ status: 204 }); });
  after(() => receiver.close());

  it('pushes to /loki/api/v1/push with basic auth and headers', async () => {
    const config = lokiTarget.configSchema.parse({ host: `${receiver.url}/`, username: 'u', password: 'p', headers: { 'X-Scope-OrgID': 'team-a' } });
    await lokiTarget.create(config, testDeps()).send([notification()], ctx());
    const req = receiver.requests.at(-1)!;
    assert.deepEqual([req.method, req.path, req.headers['authorization'], req.headers['x-scope-orgid'], req.headers['content-type']],
      ['POST', '/loki/api/v1/push', `Basic ${Buffer.from('u:p').toString('base64')}`, 'team-a', 'application/json']);
    assert.deepEqual(receiver.json(), formatLoki([notification()], NOW));
  });
  it('honours a custom path', async () => {
    const config = lokiTarget.configSchema.parse({ host: receiver.url, path: '/api/prom/push' });
    await lokiTarget.create(config, testDeps()).send([notification()], ctx());
    assert.equal(receiver.requests.at(-1)!.path, '/api/prom/push');
    assert.equal(receiver.requests.at(-1)!.headers['authorization'], undefined);
  });
  it("accepts Policy Reporter 2.x customLabels as stream labels; customFields win on a clash", async () => {
    const config = lokiTarget.configSchema.parse({ host: receiver.url, customLabels: { cluster: 'old', team: 'a' }, customFields: { cluster: 'prod' } });
    await lokiTarget.create(config, testDeps()).send([notification()], ctx());
    assert.deepEqual(receiver.json(), formatLoki([notification()], NOW, { cluster: 'prod', team: 'a' }));
  });
});

runTargetContract(lokiTarget, { config: (url) => ({ host: url }), ok: () => ({ status: 204 }) });

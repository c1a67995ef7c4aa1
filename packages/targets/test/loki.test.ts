import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatLoki, lokiTarget, toLabelName } from '../src/index.ts';
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
});

runTargetContract(lokiTarget, { config: (url) => ({ host: url }), ok: () => ({ status: 204 }) });

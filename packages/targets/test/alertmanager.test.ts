import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { alertmanagerTarget, findTarget, formatAlertmanager } from '../src/index.ts';
import { runTargetContract } from './support/contract.ts';
import { ctx, NOW, notification, testDeps } from './support/fixtures.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

const opts = { alertName: 'PolicyReporterViolation', lifetimeMs: 86_400_000 };

describe('alertmanager format', () => {
  it('labels identify the alert, annotations describe it', () => {
    assert.deepEqual(formatAlertmanager([notification()], NOW, { ...opts, customFields: { 'team.name': 'a' } }), [{
      labels: {
        alertname: 'PolicyReporterViolation', name: 'pol-web-0', namespace: 'shop', severity: 'high', status: 'fail',
        source: 'kyverno', policy: 'require-labels', rule: 'check-team', result_id: 'r-1',
      },
      annotations: {
        message: 'label team is required', resource: 'shop/Pod/web-0', resource_kind: 'Pod', resource_name: 'web-0',
        resource_namespace: 'shop', resource_apiversion: 'v1', category: 'Best Practices', version: '1.2', team_name: 'a',
      },
      startsAt: '2026-11-18T11:06:40.000Z',
      endsAt: '2026-11-23T12:00:00.000Z',
    }]);
  });

  it('a fixed result resolves the same alert (same labels, endsAt = now)', () => {
    const [firing] = formatAlertmanager([notification()], NOW, opts);
    const [resolved] = formatAlertmanager([notification({ fixed: true })], NOW, opts);
    assert.deepEqual(resolved!.labels, firing!.labels);
    assert.equal(resolved!.endsAt, new Date(NOW).toISOString());
  });

  it('startsAt never lies in the future', () => {
    const [a] = formatAlertmanager([notification({ resultOverrides: { timestamp: { seconds: NOW / 1000 + 3600, nanos: 0 } } })], NOW, opts);
    assert.equal(a!.startsAt, new Date(NOW).toISOString());
  });
});

describe('alertmanager send', () => {
  let receiver: Receiver;
  before(async () => { receiver = await startReceiver({ status: 200, body: '' }); });
  after(() => receiver.close());

  it('POSTs /api/v2/alerts with the alert array and auth header', async () => {
    const config = alertmanagerTarget.configSchema.parse({ host: `${receiver.url}/am/`, token: 'Bearer x', alertLifetime: '1h', alertName: 'Docket' });
    await alertmanagerTarget.create(config, testDeps()).send([notification(), notification({ fixed: true, resultId: 'r-2' })], ctx());
    const req = receiver.requests.at(-1)!;
    assert.deepEqual([req.method, req.path, req.headers['authorization'], req.headers['content-type']], ['POST', '/am/api/v2/alerts', 'Bearer x', 'application/json']);
    const alerts = receiver.json() as Array<{ labels: Record<string, string>; endsAt: string }>;
    assert.deepEqual(alerts, formatAlertmanager([notification(), notification({ fixed: true, resultId: 'r-2' })], NOW, { alertName: 'Docket', lifetimeMs: 3_600_000 }));
    assert.equal(alerts[0]!.endsAt, '2026-11-22T13:00:00.000Z');
  });

  it('is found under `alertManager`', () => assert.equal(findTarget('alertManager'), alertmanagerTarget));
});

runTargetContract(alertmanagerTarget, { config: (url) => ({ host: url }) });

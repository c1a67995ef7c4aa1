import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubeConfigForServer } from '@docket/kube';
import { isSkip, kyvernoConfigSchema, parseViolationMessage, toKyvernoResult, createKyvernoSource, type MappedResult, type Skip } from '../src/index.ts';
import { assertDecodes } from './support/decode.ts';
import { startEventsServer, type EventsServer } from './support/events-server.ts';
import { testLogger } from './support/grpc-servers.ts';

const config = kyvernoConfigSchema.parse({});

/** A core/v1 Event as Kyverno's admission controller writes it when it blocks a request. */
function coreEvent(o: { name: string; uid?: string; resource?: [string, string | undefined, string]; rule?: string; policy?: string; count?: number; last?: string; blocked?: boolean; related?: boolean }): Record<string, unknown> {
  const [kind, ns, name] = o.resource ?? ['Pod', 'team-a', 'web'];
  const policy = o.policy ?? 'require-labels';
  const rule = o.rule ?? 'check-team';
  return {
    apiVersion: 'v1', kind: 'Event',
    metadata: { name: o.name, namespace: 'default', uid: o.uid ?? `uid-${o.name}`, creationTimestamp: '2026-11-22T10:00:00Z' },
    involvedObject: { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', name: policy, uid: 'p-1' },
    reason: 'PolicyViolation', type: 'Warning', count: o.count ?? 1,
    message: `${kind} ${ns ? `${ns}/` : ''}${name}: [${rule}] fail${o.blocked === false ? '' : ' (blocked)'}; validation error: label 'team' is required. rule ${rule} failed at path /metadata/labels/team/`,
    source: { component: 'kyverno-admission' }, reportingComponent: 'kyverno-admission', reportingInstance: 'kyverno-admission-kyverno-0',
    action: o.blocked === false ? 'Resource Passed' : 'Resource Blocked',
    firstTimestamp: '2026-11-22T10:00:00Z', lastTimestamp: o.last ?? '2026-11-22T10:00:05Z',
    ...(o.related === false ? {} : { related: { apiVersion: 'v1', kind, ...(ns ? { namespace: ns } : {}), name } }),
  };
}

/** The same violation through events.k8s.io/v1 (regarding/note/series). */
const newEvent = {
  apiVersion: 'events.k8s.io/v1', kind: 'Event',
  metadata: { name: 'policy.18a1', namespace: 'team-b', uid: 'n-1' },
  eventTime: '2026-11-22T11:00:00.123456Z', reportingController: 'kyverno-admission', reportingInstance: 'kyverno-admission-kyverno-0',
  action: 'Resource Blocked', reason: 'PolicyViolation', type: 'Warning',
  regarding: { apiVersion: 'kyverno.io/v1', kind: 'Policy', namespace: 'team-b', name: 'no-latest' },
  related: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team-b', name: 'api' },
  note: 'Deployment team-b/api: [autogen-no-latest] fail (blocked); validation error: image tag latest is not allowed',
  series: { count: 4, lastObservedTime: '2026-11-22T11:05:00.000001Z' },
};

describe('kyverno mapper', () => {
  it('parses the violation message, with and without a namespace', () => {
    assert.deepEqual(parseViolationMessage("Pod team-a/web: [check-team] fail (blocked); validation error: x"),
      { kind: 'Pod', namespace: 'team-a', name: 'web', rule: 'check-team', detail: 'validation error: x' });
    assert.deepEqual(parseViolationMessage('Namespace prod: [require-env] fail; validation error: y'),
      { kind: 'Namespace', name: 'prod', rule: 'require-env', detail: 'validation error: y' });
    assert.equal(parseViolationMessage('no such shape'), undefined);
  });

  it('maps a blocked core/v1 event into the namespace report of the rejected resource', () => {
    const out = toKyvernoResult(coreEvent({ name: 'require-labels.1' }), config);
    assert.ok(!isSkip(out));
    assert.deepEqual(out.reportKey, { producer: 'kyverno', namespace: 'team-a', name: 'kyverno-blocked' });
    assert.deepEqual({ ...out.result, properties: undefined }, {
      source: 'Kyverno Event', policy: 'require-labels', rule: 'check-team', category: 'Admission', result: 'fail', scored: true,
      message: "validation error: label 'team' is required. rule check-team failed at path /metadata/labels/team/",
      timestamp: { seconds: Date.parse('2026-11-22T10:00:05Z') / 1000, nanos: 0 },
      resources: [{ apiVersion: 'v1', kind: 'Pod', namespace: 'team-a', name: 'web' }], properties: undefined,
    });
    assert.equal(out.result.properties?.eventName, 'require-labels.1');
    assertDecodes([out]);
  });

  it('maps the events.k8s.io/v1 shape, names namespaced policies ns/name, and carries new occurrences as count', () => {
    const out = toKyvernoResult(newEvent, config, 4) as MappedResult;
    assert.equal(out.result.policy, 'team-b/no-latest');
    assert.equal(out.result.rule, 'autogen-no-latest');
    assert.equal(out.result.properties?.count, '4');
    assert.deepEqual(out.result.timestamp, { seconds: Date.parse('2026-11-22T11:05:00Z') / 1000, nanos: 1000 });
    assert.deepEqual(out.result.resources, [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team-b', name: 'api' }]);
    assertDecodes([out]);
  });

  it('sends cluster-scoped resources to the cluster report, also without a related reference', () => {
    const out = toKyvernoResult(coreEvent({ name: 'ns.1', resource: ['Namespace', undefined, 'prod'], related: false }), config) as MappedResult;
    assert.deepEqual(out.reportKey, { producer: 'kyverno', name: 'kyverno-blocked' });
    assert.deepEqual(out.result.resources, [{ kind: 'Namespace', name: 'prod' }]);
  });

  it('gives repeated denials of one resource by one rule the same resultID, other rules another', () => {
    const a = toKyvernoResult(coreEvent({ name: 'e1', last: '2026-11-22T10:00:01Z' }), config) as MappedResult;
    const b = toKyvernoResult(coreEvent({ name: 'e2', uid: 'other', last: '2026-11-22T10:09:00Z' }), config) as MappedResult;
    const c = toKyvernoResult(coreEvent({ name: 'e3', rule: 'check-owner' }), config) as MappedResult;
    assert.equal(a.resultId, b.resultId);
    assert.notEqual(a.resultId, c.resultId);
  });

  it('skips audit-mode violations, other reasons and components; counts malformed events', () => {
    const skip = (e: unknown) => { const o = toKyvernoResult(e, config); assert.ok(isSkip(o)); return o as Skip; };
    assert.equal(skip(coreEvent({ name: 'a', blocked: false })).malformed, undefined);
    assert.equal(skip({ ...coreEvent({ name: 'b' }), reason: 'PolicyApplied' }).skip, 'reason is not PolicyViolation');
    assert.equal(skip({ ...coreEvent({ name: 'c' }), source: { component: 'kyverno-scan' }, reportingComponent: 'kyverno-scan' }).skip, 'not from a selected component');
    assert.equal(skip({ ...coreEvent({ name: 'd' }), involvedObject: {} }).malformed, true);
    assert.equal(skip({ ...coreEvent({ name: 'e' }), firstTimestamp: null, lastTimestamp: null, metadata: { name: 'e' } }).malformed, true);
    assert.equal(skip('nope').malformed, true);
    const kept = toKyvernoResult(coreEvent({ name: 'f', blocked: false }), { ...config, onlyBlocked: false }) as MappedResult;
    assert.equal(kept.result.result, 'warn');
  });
});

describe('kyverno event watch against a kube-apiserver events double', () => {
  let server: EventsServer;
  before(async () => { server = await startEventsServer(); });
  after(async () => { await server?.close(); });

  it('lists then watches, reports only new occurrences, resumes after a dropped watch and relists after 410 without duplicates', { timeout: 20_000 }, async () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    server.put(coreEvent({ name: 'old', last: '2026-11-22T11:00:00Z' })); // before the start: ignored
    server.put({ ...coreEvent({ name: 'not-kyverno' }), reason: 'BackOff' }); // filtered by the field selector
    const results: MappedResult[] = [];
    const skips: Skip[] = [];
    const controller = new AbortController();
    const { logger } = testLogger();
    const source = createKyvernoSource(kyvernoConfigSchema.parse({ backoff: { initialMs: 20, maxMs: 100 } }), { logger, now: () => now, kube: kubeConfigForServer(server.url) });
    const running = source.run({ onResult: (m) => results.push(m), onSkip: (s) => skips.push(s) }, controller.signal);
    const waitFor = async (what: string, ok: () => boolean) => {
      for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
      assert.ok(ok(), what);
    };
    await waitFor('the old event is skipped', () => skips.some((s) => s.skip === 'event from before the start'));
    server.put(coreEvent({ name: 'e1', last: '2026-11-22T12:00:01Z' }));
    await waitFor('e1 delivered', () => results.length === 1);
    server.put(coreEvent({ name: 'e1', count: 3, last: '2026-11-22T12:00:09Z' })); // kube aggregated two more denials
    await waitFor('the update delivered', () => results.length === 2);
    assert.equal(results[1]!.result.properties?.count, '2');
    assert.equal(results[1]!.resultId, results[0]!.resultId);

    server.closeWatches(); // the watch drops: resume from the last resourceVersion
    server.put(coreEvent({ name: 'e2', resource: ['Pod', 'team-b', 'db'], last: '2026-11-22T12:00:10Z' }));
    await waitFor('e2 after the resume', () => results.length === 3);
    server.compact();
    server.closeWatches(); // resume now answers 410: relist, which replays e1 and e2 unchanged
    server.put(coreEvent({ name: 'e3', resource: ['Pod', 'team-b', 'cache'], last: '2026-11-22T12:00:11Z' }));
    await waitFor('e3 after the relist', () => results.length === 4);
    await new Promise((r) => setTimeout(r, 200));
    controller.abort();
    await running;
    assert.deepEqual(results.map((r) => r.result.resources?.[0]?.name), ['web', 'web', 'db', 'cache']);
    assert.ok(skips.filter((s) => s.skip.startsWith('duplicate')).length >= 2, 'replayed events skipped');
    assert.ok(server.log.some((l) => l.includes('watch=true') && l.includes('fieldSelector=reason%3DPolicyViolation')));
    assert.ok(server.log.filter((l) => !l.includes('watch=true')).length >= 2, 'listed twice (start, after 410)');
  });

  it('watches events.k8s.io/v1 too', { timeout: 10_000 }, async () => {
    const results: MappedResult[] = [];
    const controller = new AbortController();
    const source = createKyvernoSource(kyvernoConfigSchema.parse({ api: 'events.k8s.io/v1', includeExisting: true }), { logger: testLogger().logger, now: Date.now, kube: kubeConfigForServer(server.url) });
    server.put(newEvent);
    // The double also lists the core events of the first test; stop once the new-shape one arrived.
    await source.run({ onResult: (m) => { results.push(m); if (m.result.policy === 'team-b/no-latest') controller.abort(); } }, controller.signal);
    const mine = results.find((r) => r.result.policy === 'team-b/no-latest');
    assert.equal(mine?.result.properties?.count, '4', 'all four occurrences of a first-seen series');
    assert.ok(server.log.some((l) => l.startsWith('GET /apis/events.k8s.io/v1/events')));
  });
});

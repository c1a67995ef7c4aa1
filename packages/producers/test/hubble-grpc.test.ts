import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { createHubbleSource, hubbleConfigSchema, type MappedResult, type Skip, type SourceState } from '../src/index.ts';
import { createTestPki, type TestPki } from './support/certs.ts';
import { failStream, startServer, testLogger } from './support/grpc-servers.ts';

const BASE = Date.parse('2026-11-22T12:00:00Z');

/** 300 dropped egress flows (three per 10 ms tick, so times tie) and every 10th one forwarded. */
function makeFlows(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => {
    const ms = BASE + Math.floor(i / 3) * 10;
    return {
      time: { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 },
      uuid: `flow-${i}`,
      verdict: i % 10 === 9 ? 'FORWARDED' : 'DROPPED',
      traffic_direction: 'EGRESS',
      drop_reason_desc: 'POLICY_DENIED',
      IP: { source: '10.0.0.5', destination: `192.0.2.${i % 250}`, ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 40000 + i, destination_port: 443 } },
      source: { namespace: 'load', pod_name: `p-${i % 7}`, labels: [] },
      destination: { labels: ['reserved:world'] },
      destination_names: [`host-${i}.example`],
      node_name: 'test/node-a',
    };
  });
}

const ns = (t: { seconds: string | number; nanos: number }) => BigInt(t.seconds) * 1_000_000_000n + BigInt(t.nanos);

/** Honours the request like a relay: whitelist verdict/direction, `since`; returns the flows to send. */
function selected(flows: Record<string, unknown>[], request: Record<string, any>): Record<string, unknown>[] {
  const filter = request.whitelist?.[0] ?? {};
  return flows.filter((f) => (!filter.verdict?.length || filter.verdict.includes(f.verdict))
    && (!filter.traffic_direction?.length || filter.traffic_direction.includes(f.traffic_direction))
    && (!request.since || ns(f.time as any) >= ns(request.since)));
}

interface Collected { results: MappedResult[]; skips: Skip[]; states: SourceState[]; lost: [number, string][] }

function collector(done: (c: Collected) => boolean, controller: AbortController) {
  const c: Collected = { results: [], skips: [], states: [], lost: [] };
  const check = () => { if (done(c)) controller.abort(); };
  return {
    c,
    hooks: {
      onResult: (m: MappedResult) => { c.results.push(m); check(); },
      onSkip: (s: Skip) => { c.skips.push(s); check(); },
      onLost: (n: number, d: string) => { c.lost.push([n, d]); },
      onState: (s: SourceState) => { c.states.push(s); check(); },
    },
  };
}

const deps = (logger: ReturnType<typeof testLogger>['logger']) => ({ logger, now: Date.now });

test('streams filtered flows, reconnects after the stream drops mid-way and resumes since the last flow without duplicates', { timeout: 15_000 }, async () => {
  const flows = makeFlows(300);
  const dropped = flows.filter((f) => f.verdict === 'DROPPED');
  const requests: Record<string, any>[] = [];
  const server = await startServer('hubble', (call) => {
    requests.push(call.request);
    const out = selected(flows, call.request);
    if (requests.length === 1) {
      out.slice(0, 150).forEach((flow) => call.write({ flow }));
      call.write({ lost_events: { source: 'HUBBLE_RING_BUFFER', num_events_lost: '5' } });
      call.write({ node_status: { state_change: 'NODE_CONNECTED', node_names: ['node-a'] } });
      setTimeout(() => failStream(call), 20);
    } else {
      out.forEach((flow) => call.write({ flow }));
      // follow mode: the stream stays open until the client cancels
    }
  });
  const { logger, warnings } = testLogger();
  const controller = new AbortController();
  const { c, hooks } = collector((x) => x.results.length >= dropped.length && requests.length >= 2, controller);
  const config = hubbleConfigSchema.parse({
    address: `127.0.0.1:${server.port}`, insecure: true, resumeOverlapMs: 50, backoff: { initialMs: 20, maxMs: 100 },
  });
  const run = createHubbleSource(config, deps(logger)).run(hooks, controller.signal);
  await run;
  await server.close();

  // Exactly the dropped flows, each once (their rules are unique per flow).
  assert.equal(c.results.length, dropped.length);
  assert.deepEqual(new Set(c.results.map((r) => r.result.rule)), new Set(dropped.map((f) => `${(f.destination_names as string[])[0]}:443/TCP`)));
  // The resume overlap was replayed by the server and recognised: counted as duplicates, not delivered.
  assert.ok(c.skips.length > 0);
  assert.deepEqual(new Set(c.skips.map((s) => s.skip)), new Set(['duplicate flow after resume']));
  assert.deepEqual(c.lost, [[5, 'HUBBLE_RING_BUFFER']]);
  assert.equal(requests.length, 2);
  assert.equal(requests[0]!.follow, true);
  assert.equal(requests[0]!.since, null);
  assert.deepEqual(requests[0]!.whitelist, [{
    verdict: ['DROPPED'], traffic_direction: ['EGRESS'], drop_reason_desc: [], source_ip: [], source_pod: [],
    destination_ip: [], destination_pod: [], event_type: [], protocol: [], node_name: [],
  }]);
  assert.ok(requests[0]!.field_mask.paths.includes('egress_denied_by'));
  // Resume point: the newest flow delivered before the drop, minus the 50 ms overlap.
  const lastBefore = selected(flows, requests[0]!)[149]!.time as { seconds: string; nanos: number };
  assert.equal(ns(requests[1]!.since), ns(lastBefore) - 50_000_000n);
  assert.ok(c.states.includes('backoff'));
  assert.ok(warnings.length >= 1);
  assert.equal(c.states.at(-1), 'stopped');
});

test('drop reasons are filtered server-side and field_mask can be turned off', { timeout: 10_000 }, async () => {
  const requests: Record<string, any>[] = [];
  const server = await startServer('hubble', (call) => { requests.push(call.request); call.end(); });
  const controller = new AbortController();
  const { hooks } = collector(() => requests.length >= 1, controller);
  const config = hubbleConfigSchema.parse({
    address: `127.0.0.1:${server.port}`, insecure: true, fieldMask: false, directions: ['INGRESS'],
    verdicts: ['DROPPED', 'AUDIT'], dropReasons: ['POLICY_DENIED', 'POLICY_DENY'],
  });
  await createHubbleSource(config, deps(testLogger().logger)).run(hooks, controller.signal);
  await server.close();
  assert.deepEqual(requests[0]!.whitelist[0].drop_reason_desc, ['POLICY_DENIED', 'POLICY_DENY']);
  assert.deepEqual(requests[0]!.whitelist[0].verdict, ['DROPPED', 'AUDIT']);
  assert.deepEqual(requests[0]!.whitelist[0].traffic_direction, ['INGRESS']);
  assert.equal(requests[0]!.field_mask, null);
});

let pki: TestPki;
before(() => { pki = createTestPki(); });
after(() => pki?.remove());

function tlsServerCredentials(): grpc.ServerCredentials {
  return grpc.ServerCredentials.createSsl(readFileSync(pki.caFile), [
    { private_key: readFileSync(pki.serverKey), cert_chain: readFileSync(pki.serverCert) },
  ], true);
}

test('TLS with CA verification and a client certificate (mTLS)', { timeout: 10_000 }, async () => {
  const flows = makeFlows(20).filter((f) => f.verdict === 'DROPPED');
  const server = await startServer('hubble', (call) => flows.forEach((flow) => call.write({ flow })), tlsServerCredentials());
  const controller = new AbortController();
  const { c, hooks } = collector((x) => x.results.length >= flows.length, controller);
  const config = hubbleConfigSchema.parse({
    address: `tls://localhost:${server.port}`,
    tls: { caFile: pki.caFile, certFile: pki.clientCert, keyFile: pki.clientKey },
  });
  await createHubbleSource(config, deps(testLogger().logger)).run(hooks, controller.signal);
  await server.close();
  assert.equal(c.results.length, flows.length);
});

test('TLS fails closed: no client certificate, or a server signed by another CA, delivers nothing and backs off', { timeout: 10_000 }, async () => {
  let calls = 0;
  const server = await startServer('hubble', (call) => { calls++; call.write({ flow: makeFlows(1)[0] }); }, tlsServerCredentials());
  for (const tls of [{ caFile: pki.caFile }, { caFile: pki.otherCaFile, certFile: pki.clientCert, keyFile: pki.clientKey }]) {
    const controller = new AbortController();
    const { c, hooks } = collector((x) => x.states.filter((s) => s === 'backoff').length >= 2, controller);
    const config = hubbleConfigSchema.parse({ address: `localhost:${server.port}`, tls, backoff: { initialMs: 20, maxMs: 50 } });
    await createHubbleSource(config, deps(testLogger().logger)).run(hooks, controller.signal);
    assert.equal(c.results.length, 0);
  }
  await server.close();
  assert.equal(calls, 0);
});

test('config: plaintext must be explicit and cannot be combined with TLS settings', () => {
  assert.equal(hubbleConfigSchema.parse({ address: 'relay:443' }).insecure, false);
  assert.equal(hubbleConfigSchema.safeParse({ address: 'tls://relay:443', insecure: true }).success, false);
  assert.equal(hubbleConfigSchema.safeParse({ address: 'relay:80', insecure: true, tls: { caFile: '/ca' } }).success, false);
  assert.equal(hubbleConfigSchema.safeParse({ address: 'relay:443', tls: { certFile: '/c' } }).success, false);
  assert.equal(hubbleConfigSchema.safeParse({ address: 'relay:443', unknown: 1 }).success, false);
});

/**
 * `docket publish` configuration: the strict schema (all errors with paths), the documented example,
 * the policy-report-publisher's environment variables, and an env-only run in process (CliDeps.env)
 * against a real gRPC Hubble server and a real `docket serve`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { runCli, type CliDeps } from '../../packages/cli/src/program.ts';
import type { ServeHandle } from '../../packages/cli/src/commands/serve.ts';
import { envConfigInput, parsePublishConfig, PublishConfigError, writerLimitsFor } from '../../packages/cli/src/commands/publish-config.ts';
import { startServer, toProtoFlow, type TestServer } from '../../packages/producers/test/support/grpc-servers.ts';
import { startDocket, type DocketServer } from '../support/docket.ts';
import { createKubectl } from '../support/kubectl.ts';
import { startPublisher, waitFor, writeConfig } from './publish-support.ts';

/** Producer configs are validated by each producer's own schema; the file-level type leaves them open. */
const producer = (c: { producers: unknown }, type: string) => (c.producers as Record<string, Record<string, unknown> | undefined>)[type];

const issuesOf = (input: unknown, env: Record<string, string> = {}): string[] => {
  try {
    parsePublishConfig(input, env);
  } catch (e) {
    if (e instanceof PublishConfigError) return e.issues;
    throw e;
  }
  return [];
};

describe('publish configuration', () => {
  it('accepts the documented example and fills defaults', () => {
    const doc = parse(readFileSync(new URL('../../docs/examples/publish.yaml', import.meta.url), 'utf8'));
    const c = parsePublishConfig(doc);
    assert.equal(c.writer.flushInterval, 1000);
    assert.equal(c.writer.ttl, 24 * 3_600_000);
    assert.equal(c.leaderElection.leaseDuration, 15_000);
    assert.equal(c.writer.flushInterval, 1000);
    assert.deepEqual(Object.keys(c.producers).sort(), ['falco', 'hubble', 'kube-bench', 'kubearmor', 'kyverno', 'trivy', 'trivy-operator']);
    assert.deepEqual(writerLimitsFor(c, 'kyverno'), { maxResults: 100, ttlMs: 24 * 3_600_000 });
    assert.ok(Object.isFrozen(c));
  });

  it('reads durations as Go duration strings or numbers of seconds, like the reporter config', () => {
    const w = (flushInterval: unknown) => parsePublishConfig({ producers: { falco: {} }, writer: { flushInterval } }).writer.flushInterval;
    assert.deepEqual([w('250ms'), w('1m30s'), w('1.5s'), w(2), w(0.5)], [250, 90_000, 1500, 2000, 500]);
    assert.deepEqual(issuesOf({ producers: { falco: {} }, writer: { flushInterval: '0s' } }), ['writer.flushInterval: must be longer than 0']);
    assert.equal(issuesOf({ producers: { falco: {} }, writer: { flushInterval: '5 minutes' } }).length, 1);
  });

  it('reports every problem at once with its path', () => {
    const issues = issuesOf({
      producers: { hubble: { adress: 'x' }, nope: {} },
      writer: { flushInterval: '1x', outputGroup: 'v1', overrides: { ghost: {} } },
      leaderElection: { enabled: true, renewDeadline: '20s' },
      sink: { server: 'ftp://x', store: 'sqlite:a.db' },
    });
    const paths = issues.map((i) => i.slice(0, i.indexOf(':')));
    for (const p of ['producers', 'producers.hubble.address', 'producers.hubble', 'writer.flushInterval', 'writer.outputGroup', 'sink.server']) {
      assert.ok(paths.includes(p), `${p} in ${JSON.stringify(issues)}`);
    }
    assert.ok(issues.some((i) => i.includes('nope')), 'unknown producer named');
    assert.deepEqual(issuesOf({ producers: { falco: {} }, leaderElection: { enabled: true } }), ['leaderElection.namespace: a namespace is required when enabled']);
    assert.deepEqual(issuesOf({}), ['producers: enable at least one producer (hubble, kubearmor, falco, trivy, kube-bench, kyverno, trivy-operator)']);
    assert.deepEqual(issuesOf({ producers: { falco: {} }, writer: { overrides: { ghost: {} } } }), ['writer.overrides.ghost: unknown producer']);
  });

  it("reads the policy-report-publisher's real variables (not its README's names); the file wins", () => {
    assert.deepEqual(envConfigInput({ HUBBLE_SERVICE_NAME: 'x', KUBEARMOR_SERVICE_NAME: 'y', LEADER_ELECTION_NS: 'z' }), {});
    const c = parsePublishConfig(undefined, {
      HUBBLE_SERVICE: ' tls://relay:443 ', HUBBLE_INSECURE: 'TRUE', KUBE_ARMOR_SERVICE: 'kubearmor:32767', LOG_REPORTS: 'true', LEADER_ELECTION_NAMESPACE: 'ops',
    });
    assert.equal(producer(c, 'hubble')?.address, 'relay:443');
    assert.equal(producer(c, 'hubble')?.insecure, true);
    assert.equal(producer(c, 'kubearmor')?.insecure, true);
    assert.equal(c.logReports, true);
    assert.deepEqual([c.leaderElection.enabled, c.leaderElection.namespace], [true, 'ops']);
    const tls = parsePublishConfig({ producers: { hubble: { insecure: false, tls: { caFile: '/ca.pem' } } } }, { HUBBLE_SERVICE: 'relay:443', HUBBLE_INSECURE: 'true' });
    assert.equal(producer(tls, 'hubble')?.address, 'relay:443');
    assert.equal(producer(tls, 'hubble')?.insecure, false, 'the file overrides HUBBLE_INSECURE');
  });
});

describe('env-only publish', () => {
  let docket: DocketServer;
  let hubble: TestServer;
  before(async () => {
    docket = await startDocket(['--listen', '127.0.0.1:0', '--store', 'sqlite::memory:', '--log-level', 'warn']);
    const line = readFileSync(new URL('../../packages/producers/test/fixtures/hubble-flows.jsonl', import.meta.url), 'utf8').split('\n')[0]!;
    hubble = await startServer('hubble', (call) => void call.write({ flow: toProtoFlow(JSON.parse(line).flow) }));
  });
  after(async () => {
    await hubble?.close();
    await docket?.stop();
  });

  it('HUBBLE_SERVICE + HUBBLE_INSECURE alone start a Hubble producer that writes reports; bad usage exits 2', { timeout: 30_000 }, async () => {
    const out: string[] = [];
    const err: string[] = [];
    let handle: ServeHandle | undefined;
    const deps = (env: Record<string, string>): CliDeps => ({
      version: 'test', out: (l) => out.push(l), err: (l) => err.push(l), fetch, readStdin: async () => '', cwd: process.cwd(),
      defaultServer: docket.url, logStream: { write: () => true }, onServing: (h) => { handle = h; }, env,
    });
    assert.equal(await runCli(['publish', '--server', docket.url], deps({})), 2);
    assert.match(err.join('\n'), /producers: enable at least one producer/);
    const code = await runCli(['publish', '--server', docket.url, '--metrics-listen', '127.0.0.1:0'],
      deps({ HUBBLE_SERVICE: `127.0.0.1:${hubble.port}`, HUBBLE_INSECURE: 'true' }));
    assert.equal(code, 0, err.join('\n'));
    assert.ok(handle, 'a streaming run hands back a stop handle');
    try {
      const kubectl = createKubectl(docket.url);
      const report = await waitFor('the hubble report', async () => {
        const r = await kubectl.run(['get', 'policyreports.wgpolicyk8s.io', '-n', 'shop', 'hubble-pod-web-7d9c8-abcde', '-o', 'json']);
        return r.code === 0 ? JSON.parse(r.stdout) as { results: Array<{ rule: string }> } : undefined;
      });
      assert.equal(report.results[0]!.rule, 'github.com:443/TCP');
    } finally {
      await handle.stop();
    }
  });

  it('the real process reads the variables from its environment (main passes process.env)', { timeout: 30_000 }, async () => {
    // The file names only the sink; the producer comes from HUBBLE_SERVICE, logging from LOG_REPORTS.
    const pub = await startPublisher(writeConfig({ sink: { server: docket.url }, metrics: { listen: '127.0.0.1:0' }, writer: { flushInterval: '200ms' } }), [],
      { ...process.env, HUBBLE_SERVICE: `127.0.0.1:${hubble.port}`, HUBBLE_INSECURE: 'true', LOG_REPORTS: 'true' });
    try {
      assert.match(pub.stdout(), /running hubble into/);
      await waitFor('a logged result', () => (/"msg":"mapped result"/.test(pub.stderr()) ? true : undefined));
    } finally {
      assert.equal((await pub.stop()).code, 0, pub.stderr().slice(-2000));
    }
  });
});

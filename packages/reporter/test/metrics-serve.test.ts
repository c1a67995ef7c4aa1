import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDocket } from '../../../test/support/docket.ts';
import { createReport, startReceiver, waitFor } from '../../../test/e2e/reporter-support.ts';
import { createReporterMetrics } from '../src/metrics/index.ts';
import { pipelineMetricsFrom } from '../src/pipeline/index.ts';
import type { DispatcherMetrics } from '../src/dispatch/index.ts';

test('the reporter metrics implement the dispatcher and pipeline hooks', async () => {
  const m = createReporterMetrics({ config: { enabled: true, mode: 'simple', customLabels: [] }, defaultMetrics: false });
  const dispatcher: DispatcherMetrics = m; // compile-time conformance: no adapter needed
  dispatcher.sent('hook', 'webhook', 'dead', 1, 1);
  dispatcher.deadLettered('hook');
  const pipeline = pipelineMetricsFrom(m);
  pipeline.resultsSeen('store', 4);
  pipeline.skipped('hook', 'namespace kube-system excluded by filter of hook');
  pipeline.watchRestart('prod/policyreports', 'gone');
  const { body } = await m.render();
  assert.match(body, /^docket_target_sends_total\{target="hook",type="webhook",outcome="dead"\} 1$/m);
  assert.match(body, /^docket_deliveries_dead_lettered_total\{target="hook"\} 1$/m);
  assert.match(body, /^docket_results_seen_total\{source="store"\} 4$/m);
  assert.match(body, /^docket_notifications_filtered_total\{target="hook"\} 1$/m);
  assert.match(body, /^docket_watch_restarts_total\{cluster="prod",resource="policyreports",reason="gone"\} 1$/m);
});

/** Lines of the metric `name` in an exposition text, sorted. */
const lines = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`)).sort();

test('docket serve --config: /metrics follows reports (create, update, delete), counts sends, and passes promtool', async () => {
  const which = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' });
  assert.equal(which.status, 0, 'promtool is not installed: run `apt-get install -y prometheus` (Debian package prometheus); .ci/run installs it');
  const dir = mkdtempSync(join(tmpdir(), 'docket-metrics-'));
  const receiver = await startReceiver();
  try {
    writeFileSync(join(dir, 'docket.yaml'), [
      'metrics:',
      '  mode: custom',
      '  customLabels: [namespace, policy, status, "label:team"]',
      'target:',
      '  webhook:',
      `    webhook: ${receiver.url}/hook`,
      '    skipExistingOnStartup: false',
      '',
    ].join('\n'));
    const docket = await startDocket(['--listen', '127.0.0.1:0', '--store', `sqlite:${join(dir, 'docket.db')}`, '--config', join(dir, 'docket.yaml')]);
    try {
      const scrape = async () => (await fetch(`${docket.url}/metrics`)).text();
      await createReport(docket.url, 'shop', 'polr-a', ['require-labels', 'no-latest']);
      await waitFor('result series', async () => lines(await scrape(), 'policy_report_result').length === 2);
      assert.deepEqual(lines(await scrape(), 'policy_report_result'), [
        'policy_report_result{namespace="shop",policy="no-latest",status="fail",label_team=""} 1',
        'policy_report_result{namespace="shop",policy="require-labels",status="fail",label_team=""} 1',
      ]);
      await waitFor('two sends', () => receiver.policies('/hook').length === 2);
      await waitFor('send counters', async () => /^docket_target_sends_total\{target="Webhook",type="webhook",outcome="success"\} 2$/m.test(await scrape()));

      // Update: one result fixed, a label added: stale series disappear.
      const url = `${docket.url}/apis/wgpolicyk8s.io/v1alpha2/namespaces/shop/policyreports/polr-a`;
      const current = await (await fetch(url)).json() as { metadata: Record<string, unknown>; results: Array<Record<string, unknown>> };
      const updated = { ...current, metadata: { ...current.metadata, labels: { team: 'blue' } }, results: current.results.filter((r) => r['policy'] === 'no-latest') };
      const put = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(updated) });
      assert.equal(put.status, 200, await put.text());
      await waitFor('updated series', async () => lines(await scrape(), 'policy_report_result').join() === 'policy_report_result{namespace="shop",policy="no-latest",status="fail",label_team="blue"} 1');

      const body = await scrape();
      const check = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
      assert.equal(check.status, 0, `promtool check metrics:\n${check.stdout}${check.stderr}`);

      const del = await fetch(url, { method: 'DELETE' });
      assert.equal(del.status, 200, await del.text());
      await waitFor('series withdrawn', async () => lines(await scrape(), 'policy_report_result').length === 0);
    } finally {
      await docket.stop();
    }
  } finally {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { kubeConfigForServer } from '@docket/kube';
import { ConfigError, createKubeSecretReader, loadConfig, redact, type SecretReader } from '../src/config/index.ts';

/** A Secret store double that records which Secrets were read from which namespace. */
function secretStore(secrets: Record<string, Record<string, string>>): { read: SecretReader; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    read: async (name, namespace) => {
      calls.push(`${namespace}/${name}`);
      const data = secrets[name];
      if (!data) throw new Error(`secrets "${name}" not found`);
      return data;
    },
  };
}

test('secretRef fills required connection fields from a Secret in POD_NAMESPACE, root and channels alike', async () => {
  const store = secretStore({
    'slack-root': { webhook: 'https://hooks.slack.com/services/ROOT-SECRET' },
    'slack-team': { webhook: 'https://hooks.slack.com/services/TEAM-SECRET', unrelated: 'ignored' },
  });
  const c = await loadConfig({ text: `
target:
  slack:
    secretRef: slack-root
    channels:
      - name: team
        secretRef: slack-team
      - name: inherits
` }, { readSecret: store.read, env: { POD_NAMESPACE: 'docket-system' } });
  assert.deepEqual(store.calls.sort(), ['docket-system/slack-root', 'docket-system/slack-team']);
  assert.deepEqual(c.targets.map((t) => [t.name, t.config['webhook']]), [
    ['Slack', 'https://hooks.slack.com/services/ROOT-SECRET'],
    ['team', 'https://hooks.slack.com/services/TEAM-SECRET'],
    ['inherits', 'https://hooks.slack.com/services/ROOT-SECRET'],
  ]);
});

test('mountedSecret reads a key: value file (YAML or JSON); secretRef wins on a shared key; strings become booleans where the schema wants one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-secret-'));
  try {
    writeFileSync(join(dir, 'es.yaml'), 'username: elastic\npassword: FILE-PASSWORD\ntypelessApi: "false"\n');
    writeFileSync(join(dir, 'jira.json'), '{"apiToken": "JIRA-TOKEN", "username": "bot@example.com"}');
    const store = secretStore({ 'es-creds': { password: 'SECRET-PASSWORD' } });
    const c = await loadConfig({ text: `
target:
  elasticsearch:
    host: https://es:9200
    mountedSecret: ${join(dir, 'es.yaml')}
    secretRef: es-creds
  jira:
    host: https://jira.example
    projectKey: SEC
    mountedSecret: ${join(dir, 'jira.json')}
` }, { readSecret: store.read });
    const es = c.targets[0]!.config;
    assert.equal(es['username'], 'elastic');
    assert.equal(es['password'], 'SECRET-PASSWORD');
    assert.equal(es['typelessApi'], false);
    assert.equal(c.targets[1]!.config['apiToken'], 'JIRA-TOKEN');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an invalid value that came from a Secret is reported without the value', async () => {
  const store = secretStore({ hook: { webhook: 'not-a-url-TOPSECRET' } });
  await assert.rejects(loadConfig({ text: 'target:\n  discord:\n    secretRef: hook\n' }, { readSecret: store.read }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /target\.discord\.webhook: must be an http\(s\) URL/);
    assert.doesNotMatch(err.message, /TOPSECRET/);
    return true;
  });
});

test('redact hides every secret field, including values resolved from Secrets', async () => {
  const secrets = ['ROOT-WEBHOOK', 'HEADER-TOKEN', 'LOKI-PASS', 'ES-APIKEY', 'SPLUNK-TOKEN', 'S3-KEY', 'S3-SECRET', 'TG-TOKEN', 'JIRA-TOKEN', 'AM-TOKEN', 'CHANNEL-HOOK'];
  const store = secretStore({ loki: { password: 'LOKI-PASS' }, tg: { token: 'TG-TOKEN' } });
  const c = await loadConfig({ text: `
target:
  slack:
    webhook: https://hooks.slack.com/services/ROOT-WEBHOOK
    headers: {Authorization: Bearer HEADER-TOKEN}
    channels: [{name: c1, webhook: https://hooks.slack.com/services/CHANNEL-HOOK}]
  loki: {host: http://loki:3100, username: docket, secretRef: loki}
  elasticsearch: {host: http://es:9200, apiKey: ES-APIKEY}
  splunk: {host: http://splunk:8088, token: SPLUNK-TOKEN}
  s3: {accessKeyId: S3-KEY, secretAccessKey: S3-SECRET, bucket: b}
  telegram: {secretRef: tg, chatId: 42}
  jira: {host: https://jira.example, projectKey: SEC, apiToken: JIRA-TOKEN}
  alertManager: {host: http://am:9093, token: AM-TOKEN}
` }, { readSecret: store.read });
  const text = JSON.stringify(redact(c));
  for (const s of secrets) assert.ok(!text.includes(s), `${s} is redacted`);
  // Everything that is not secret stays readable.
  const out = redact(c) as { targets: Array<{ name: string; config: Record<string, unknown> }> };
  const loki = out.targets.find((t) => t.name === 'Loki')!;
  assert.deepEqual(loki.config, { host: 'http://loki:3100', username: 'docket', secretRef: 'loki', password: '<redacted>', name: 'Loki' });
  assert.equal(out.targets.find((t) => t.name === 'Telegram')!.config['chatId'], '42');
  // The real config still holds the values.
  assert.equal(c.targets.find((t) => t.name === 'Loki')!.config['password'], 'LOKI-PASS');
});

test('createKubeSecretReader reads and decodes a Secret through the Kubernetes API (client-node against an API double)', async () => {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url === '/api/v1/namespaces/docket/secrets/slack') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        apiVersion: 'v1', kind: 'Secret', metadata: { name: 'slack', namespace: 'docket' }, type: 'Opaque',
        data: { webhook: Buffer.from('https://hooks.slack.com/services/FROM-API').toString('base64') },
      }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: 'secrets "missing" not found' }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as { port: number };
    const reader = createKubeSecretReader(kubeConfigForServer(`http://127.0.0.1:${port}`).makeApiClient(CoreV1Api));
    const c = await loadConfig({ text: 'target:\n  slack: {secretRef: slack}\n' }, { readSecret: reader, namespace: 'docket' });
    assert.equal(c.targets[0]!.config['webhook'], 'https://hooks.slack.com/services/FROM-API');
    await assert.rejects(loadConfig({ text: 'target:\n  slack: {secretRef: missing}\n' }, { readSecret: reader, namespace: 'docket' }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.problems[0]!.message, /^cannot read Secret "missing" in namespace "docket": /);
      return true;
    });
    assert.deepEqual(requests, ['GET /api/v1/namespaces/docket/secrets/slack', 'GET /api/v1/namespaces/docket/secrets/missing']);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('createKubeSecretReader connects lazily: no cluster is needed until a Secret is read', async () => {
  let connects = 0;
  const reader = createKubeSecretReader(() => {
    connects++;
    throw new Error('not running in a cluster');
  });
  const c = await loadConfig({ text: 'target:\n  slack: {webhook: https://hooks.slack.com/x}\n' }, { readSecret: reader });
  assert.equal(c.targets.length, 1);
  assert.equal(connects, 0);
  await assert.rejects(loadConfig({ text: 'target:\n  slack: {secretRef: s}\n' }, { readSecret: reader }), /cannot read Secret "s" in namespace "default": not running in a cluster/);
  assert.equal(connects, 1);
});

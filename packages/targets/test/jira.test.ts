import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dedupJql, formatIssue, jiraTarget, renderSummary, resultLabel } from '../src/index.ts';
import { runTargetContract } from './support/contract.ts';
import { ctx, notification, testDeps } from './support/fixtures.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

const base = { projectKey: 'SEC', issueType: 'Bug' };

describe('jira format', () => {
  it('labels and JQL for dedupe', () => {
    assert.equal(resultLabel('abc-1.2_x'), 'docket-result-abc-1.2_x');
    assert.match(resultLabel('has space/slash'), /^docket-result-[0-9a-f]{32}$/);
    assert.equal(dedupJql('S"C', 'r-1'), 'project = "S\\"C" AND labels = "docket-result-r-1"');
  });

  it('summary templates (plain and Go style), capped at 255', () => {
    const n = notification();
    assert.equal(renderSummary('{{ resource }}: Policy Violation: {{ policy }}', n), 'shop/Pod/web-0: Policy Violation: require-labels');
    assert.equal(renderSummary('[{{ .result.severity }}] {{.policy}} {{ unknown }}', n), '[high] require-labels');
    assert.equal(renderSummary('{{ message }}', notification({ resultOverrides: { message: 'x'.repeat(400) } })).length, 255);
  });

  it('v3 body: ADF description, labels, components, custom fields', () => {
    const body = formatIssue(notification(), { ...base, apiVersion: 'v3', labels: ['team a'], components: ['k8s'], customFields: { customfield_100: '["a","b"]', customfield_200: 'x', cluster: 'prod' } });
    const strong = (k: string, v: string) => ({ type: 'paragraph', content: [{ type: 'text', text: `${k}: `, marks: [{ type: 'strong' }] }, { type: 'text', text: v }] });
    assert.deepEqual(body, {
      fields: {
        project: { key: 'SEC' }, issuetype: { name: 'Bug' },
        summary: 'shop/Pod/web-0: Policy Violation: require-labels',
        description: { type: 'doc', version: 1, content: [
          { type: 'paragraph', content: [{ type: 'text', text: 'label team is required' }] },
          strong('Policy', 'require-labels'), strong('Rule', 'check-team'), strong('Severity', 'high'), strong('Status', 'fail'),
          strong('Category', 'Best Practices'), strong('Source', 'kyverno'), strong('Kind', 'Pod'), strong('Name', 'web-0'),
          strong('Namespace', 'shop'), strong('UID', 'u-1'), strong('Result ID', 'r-1'), strong('cluster', 'prod'), strong('version', '1.2'),
        ] },
        labels: ['docket', 'policy-violation', 'policy-require-labels', 'severity-high', 'docket-result-r-1', 'team-a'],
        components: [{ name: 'k8s' }],
        customfield_100: [{ value: 'a' }, { value: 'b' }],
        customfield_200: 'x',
      },
    });
  });

  it('v2 body: wiki markup with escaped macros', () => {
    const body = formatIssue(notification({ resultOverrides: { message: 'use {code} | *x*', properties: undefined } }), { ...base, apiVersion: 'v2' }) as { fields: { description: string } };
    assert.equal(body.fields.description, [
      'use \\{code\\} \\| \\*x\\*', '',
      '*Policy*: require-labels', '*Rule*: check-team', '*Severity*: high', '*Status*: fail', '*Category*: Best Practices',
      '*Source*: kyverno', '*Kind*: Pod', '*Name*: web-0', '*Namespace*: shop', '*UID*: u-1', '*Result ID*: r-1',
    ].join('\n'));
  });
});

describe('jira send', () => {
  let receiver: Receiver;
  let existing: string[] = [];
  before(async () => {
    receiver = await startReceiver((req) => {
      if (req.method === 'GET') {
        const jql = new URL(req.path, 'http://x').searchParams.get('jql') ?? '';
        return { status: 200, body: { issues: existing.filter((l) => jql.includes(l)).map(() => ({ key: 'SEC-1' })) } };
      }
      existing.push(resultLabel((JSON.parse(req.text) as { fields: { labels: string[] } }).fields.labels.find((l) => l.startsWith('docket-result-'))!.slice('docket-result-'.length)));
      return { status: 201, body: { id: '1', key: 'SEC-1' } };
    });
  });
  after(() => receiver.close());

  it('searches, creates once, and skips the second time (v3, basic auth with token)', async () => {
    existing = [];
    receiver.requests.length = 0;
    const config = jiraTarget.configSchema.parse({ host: receiver.url, username: 'me@x', apiToken: 'tok', projectKey: 'SEC' });
    const target = jiraTarget.create(config, testDeps());
    await target.send([notification()], ctx());
    await target.send([notification()], ctx());
    assert.deepEqual(receiver.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`), ['GET /rest/api/3/search/jql', 'POST /rest/api/3/issue', 'GET /rest/api/3/search/jql']);
    const [search, create] = receiver.requests;
    const q = new URL(search!.path, 'http://x').searchParams;
    assert.deepEqual([q.get('jql'), q.get('maxResults'), q.get('fields')], [dedupJql('SEC', 'r-1'), '1', 'key']);
    assert.equal(create!.headers['authorization'], `Basic ${Buffer.from('me@x:tok').toString('base64')}`);
    assert.deepEqual(JSON.parse(create!.text), formatIssue(notification(), { projectKey: 'SEC', issueType: 'Task', apiVersion: 'v3' }));
  });

  it('v2 with a bearer token; fixed results are not sent', async () => {
    existing = [];
    receiver.requests.length = 0;
    const config = jiraTarget.configSchema.parse({ host: `${receiver.url}/jira`, apiToken: 'pat', projectKey: 'SEC', apiVersion: 'v2' });
    const target = jiraTarget.create(config, testDeps());
    await target.send([notification({ fixed: true })], ctx());
    assert.equal(receiver.requests.length, 0);
    await target.send([notification()], ctx());
    assert.deepEqual(receiver.requests.map((r) => `${r.method} ${r.path.split('?')[0]} ${r.headers['authorization']}`), ['GET /jira/rest/api/2/search Bearer pat', 'POST /jira/rest/api/2/issue Bearer pat']);
  });
});

runTargetContract(jiraTarget, { config: (url) => ({ host: url, projectKey: 'SEC' }) });

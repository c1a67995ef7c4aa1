// upsertObject's protocol (POST, then GET + PUT with the read resourceVersion, retry on Conflict)
// against a scripted client that records every request.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError, type ApiClient, type ApiResponse } from '../src/api-client.ts';
import { toTarget, upsertObject } from '../src/upsert.ts';

type Step = (method: string, path: string, body: any) => ApiResponse | ApiError;

function scripted(steps: Step[]): { client: ApiClient; calls: string[] } {
  const calls: string[] = [];
  const client: ApiClient = {
    server: 'http://test',
    async request(method, path, body) {
      const step = steps.shift();
      if (!step) throw new Error(`unexpected ${method} ${path}`);
      const r = step(method, path, body);
      calls.push(`${method} ${path}${body ? ` rv=${(body as any).metadata?.resourceVersion ?? '-'}` : ''}`);
      if (r instanceof ApiError) throw r;
      return r;
    },
  };
  return { client, calls };
}

const obj = { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', metadata: { name: 'r', namespace: 'ns', resourceVersion: '999', uid: 'stale' }, results: [{ policy: 'p', result: 'fail' }] };
const target = toTarget(obj, undefined);
const existing = (rv: string, result = 'pass') => ({ status: 200, body: { ...obj, metadata: { name: 'r', namespace: 'ns', resourceVersion: rv, uid: 'u' }, results: [{ policy: 'p', result }] } });
const exists = () => new ApiError(409, 'AlreadyExists', 'exists');
const conflict = () => new ApiError(409, 'Conflict', 'the object has been modified');

describe('upsertObject', () => {
  it('creates without server-owned metadata', async () => {
    let sent: any;
    const { client } = scripted([(_m, _p, b) => ((sent = b), { status: 201, body: {} })]);
    assert.equal(await upsertObject(client, target, obj), 'created');
    assert.deepEqual(sent.metadata, { name: 'r', namespace: 'ns' });
  });

  it('updates with the resourceVersion it read, retrying after a conflict', async () => {
    const { client, calls } = scripted([exists, () => existing('5'), conflict, () => existing('6'), () => ({ status: 200, body: {} })]);
    assert.equal(await upsertObject(client, target, obj), 'configured');
    assert.deepEqual(calls, [
      'POST /apis/wgpolicyk8s.io/v1alpha2/namespaces/ns/policyreports rv=-',
      'GET /apis/wgpolicyk8s.io/v1alpha2/namespaces/ns/policyreports/r',
      'PUT /apis/wgpolicyk8s.io/v1alpha2/namespaces/ns/policyreports/r rv=5',
      'GET /apis/wgpolicyk8s.io/v1alpha2/namespaces/ns/policyreports/r',
      'PUT /apis/wgpolicyk8s.io/v1alpha2/namespaces/ns/policyreports/r rv=6',
    ]);
  });

  it('does not write when the stored object already matches', async () => {
    const { client, calls } = scripted([exists, () => existing('5', 'fail')]);
    assert.equal(await upsertObject(client, target, obj), 'unchanged');
    assert.equal(calls.length, 2);
  });

  it('gives up after the last attempt and passes other errors through', async () => {
    const { client } = scripted([exists, () => existing('1'), conflict, () => existing('2'), conflict]);
    await assert.rejects(upsertObject(client, target, obj, 2), /has been modified/);
    const invalid = scripted([() => new ApiError(422, 'Invalid', 'results[0].result: Unsupported value')]);
    await assert.rejects(upsertObject(invalid.client, target, obj), /results\[0\]\.result/);
  });
});

/**
 * The gRPC peer of `npm run bench:publisher`, run as its own process so encoding does not share
 * the publisher's thread. argv: hubble|kubearmor <events> <pods>. Prints its port, then streams
 * `events` messages to each call as fast as the client takes them (honouring backpressure) and
 * keeps the call open like a follow-mode relay. Events spread over `pods` pods in 10 namespaces
 * and 20 destinations/rules, so reports merge repeats the way a real cluster's drops do.
 */
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { defaultProtoDir, loadProtos } from '../../packages/producers/src/index.ts';

const kind = process.argv[2] === 'kubearmor' ? 'kubearmor' : 'hubble';
const events = Number(process.argv[3] ?? 100_000);
const pods = Number(process.argv[4] ?? 50);
const START = Math.floor(Date.now() / 1000);

/** Protobuf varint. */
function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) { out.push((n & 127) | 128); n = Math.floor(n / 128); }
  out.push(n);
  return out;
}

const lenField = (tag: number[], bytes: Buffer) => Buffer.concat([Buffer.from([...tag, ...varint(bytes.length)]), bytes]);

/** The fields that repeat: one flow per (pod, destination) combination, without uuid and time. */
function flowBase(i: number): Record<string, unknown> {
  const pod = i % pods;
  return {
    flow: {
      verdict: 'DROPPED', traffic_direction: 'EGRESS', drop_reason_desc: 'POLICY_DENIED',
      IP: { source: `10.0.${pod >> 8}.${pod & 255}`, destination: `192.0.2.${i % 20}`, ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 30000 + (i % 997), destination_port: 443 } },
      source: { namespace: `ns-${pod % 10}`, pod_name: `app-${pod}`, labels: ['k8s:app=bench'], workloads: [{ name: 'app', kind: 'Deployment' }] },
      destination: { labels: ['reserved:world'] },
      destination_names: [`host-${i % 20}.example`],
      node_name: 'bench/node-1',
    },
  };
}

/** Per-event Flow fields, encoded by hand: time (field 1) and uuid (field 34). */
function flowSuffix(i: number): Buffer {
  const seconds = START + Math.floor(i / 1000);
  const ts = Buffer.from([0x08, ...varint(seconds), 0x10, ...varint((i % 1000) * 1_000_000)]);
  return Buffer.concat([lenField([0x0a], ts), lenField([0x92, 0x02], Buffer.from(`bench-${i}`))]);
}

/** The Flow bytes inside an encoded GetFlowsResponse `{flow}` (strips field 1's tag and length). */
function innerFlow(response: Buffer): Buffer {
  let at = 1;
  while (response[at]! & 128) at++;
  return response.subarray(at + 1);
}

function alertBase(i: number): Record<string, unknown> {
  const pod = i % pods;
  return {
    ClusterName: 'bench', HostName: 'node-1', NamespaceName: `ns-${pod % 10}`, PodName: `app-${pod}`, ContainerName: 'app',
    ProcessName: '/usr/bin/apt', ParentProcessName: '/bin/sh', PolicyName: `policy-${i % 20}`, Severity: String(1 + (i % 10)),
    Message: 'Package management is not allowed', Type: 'MatchedPolicy', Source: '/bin/sh -c apt update', Operation: 'Process',
    Resource: `/usr/bin/apt update ${i % 20}`, Action: 'Block', Result: 'Permission denied', Enforcer: 'AppArmor',
  };
}

/** Alert.Timestamp (field 1) and Alert.UpdatedTime (field 2); later scalar fields win when parsed. */
function alertSuffix(i: number): Buffer {
  const seconds = START + Math.floor(i / 1000);
  const updated = Buffer.from(`${new Date(seconds * 1000).toISOString().slice(0, 19)}.${String((i % 1000) * 1000).padStart(6, '0')}Z`);
  return Buffer.concat([Buffer.from([0x08, ...varint(seconds)]), lenField([0x12], updated)]);
}

function service(root: grpc.GrpcObject, path: string): grpc.ServiceDefinition {
  let node: any = root;
  for (const p of path.split('.')) node = node[p];
  return node.service as grpc.ServiceDefinition;
}

const def = kind === 'hubble'
  ? service(loadProtos(['observer.proto'], [join(defaultProtoDir(), 'hubble')]), 'observer.Observer')
  : service(loadProtos(['kubearmor.proto'], [join(defaultProtoDir(), 'kubearmor')]), 'feeder.LogService');
const method = kind === 'hubble' ? 'GetFlows' : 'WatchAlerts';
const original = def[method]!;
// Bases encoded once with the real serializer; messages leave as prepared bytes.
// A protobuf message is its fields in any order, so base + per-event fields is one message; for
// Hubble both go inside the response's flow field (protobufjs does not merge repeated embedded messages).
const bases = Array.from({ length: 1000 }, (_, i) => kind === 'hubble' ? innerFlow(original.responseSerialize(flowBase(i))) : original.responseSerialize(alertBase(i)));
const frame = kind === 'hubble'
  ? (n: number) => { const flow = Buffer.concat([bases[n % 1000]!, flowSuffix(n)]); return lenField([0x0a], flow); }
  : (n: number) => Buffer.concat([bases[n % 1000]!, alertSuffix(n)]);
const server = new grpc.Server();
const handler = (call: grpc.ServerWritableStream<unknown, Buffer>) => {
  let i = 0;
  const pump = () => {
    while (i < events) {
      const n = i++;
      if (!call.write(frame(n))) return void call.once('drain', pump);
    }
  };
  pump();
};
server.addService({ ...def, [method]: { ...original, responseSerialize: (b: Buffer) => b } }, { [method]: handler });
const port = await new Promise<number>((resolve, reject) =>
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
process.stdout.write(`${port}\n`);
process.on('SIGTERM', () => { server.forceShutdown(); process.exit(0); });

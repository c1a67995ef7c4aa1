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

function flow(i: number): Record<string, unknown> {
  const pod = i % pods;
  return {
    flow: {
      time: { seconds: String(START + Math.floor(i / 1000)), nanos: (i % 1000) * 1_000_000 },
      uuid: `bench-${i}`,
      verdict: 'DROPPED', traffic_direction: 'EGRESS', drop_reason_desc: 'POLICY_DENIED',
      IP: { source: `10.0.${pod >> 8}.${pod & 255}`, destination: `192.0.2.${i % 20}`, ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 30000 + (i % 30000), destination_port: 443 } },
      source: { namespace: `ns-${pod % 10}`, pod_name: `app-${pod}`, labels: ['k8s:app=bench'], workloads: [{ name: 'app', kind: 'Deployment' }] },
      destination: { labels: ['reserved:world'] },
      destination_names: [`host-${i % 20}.example`],
      node_name: 'bench/node-1',
    },
  };
}

function alert(i: number): Record<string, unknown> {
  const pod = i % pods;
  return {
    Timestamp: String(START + Math.floor(i / 1000)), UpdatedTime: new Date((START + Math.floor(i / 1000)) * 1000).toISOString().replace('Z', '000Z'),
    ClusterName: 'bench', HostName: 'node-1', NamespaceName: `ns-${pod % 10}`, PodName: `app-${pod}`, ContainerName: 'app',
    ProcessName: '/usr/bin/apt', ParentProcessName: '/bin/sh', PolicyName: `policy-${i % 20}`, Severity: String(1 + (i % 10)),
    Message: 'Package management is not allowed', Type: 'MatchedPolicy', Source: '/bin/sh -c apt update', Operation: 'Process',
    Resource: `/usr/bin/apt update ${i % 20}`, Action: 'Block', Result: 'Permission denied', Enforcer: 'AppArmor',
  };
}

function service(root: grpc.GrpcObject, path: string): grpc.ServiceDefinition {
  let node: any = root;
  for (const p of path.split('.')) node = node[p];
  return node.service as grpc.ServiceDefinition;
}

const server = new grpc.Server();
const handler = (call: grpc.ServerWritableStream<unknown, unknown>) => {
  let i = 0;
  const make = kind === 'hubble' ? flow : alert;
  const pump = () => {
    while (i < events) {
      if (!call.write(make(i++))) return void call.once('drain', pump);
    }
  };
  pump();
};
if (kind === 'hubble') server.addService(service(loadProtos(['observer.proto'], [join(defaultProtoDir(), 'hubble')]), 'observer.Observer'), { GetFlows: handler });
else server.addService(service(loadProtos(['kubearmor.proto'], [join(defaultProtoDir(), 'kubearmor')]), 'feeder.LogService'), { WatchAlerts: handler });
const port = await new Promise<number>((resolve, reject) =>
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
process.stdout.write(`${port}\n`);
process.on('SIGTERM', () => { server.forceShutdown(); process.exit(0); });

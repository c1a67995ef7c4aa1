import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { defaultProtoDir, loadProtos } from '../../src/index.ts';

type Writable = grpc.ServerWritableStream<Record<string, unknown>, unknown>;

/** A protojson time string → the Timestamp object grpc-js/protobufjs serialises. */
export function protoTime(text: string): { seconds: string; nanos: number } {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(text)!;
  return { seconds: String(Date.parse(`${m[1]}Z`) / 1000), nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}

/** A `hubble observe -o json` flow (protojson) as a proto-loader object. */
export function toProtoFlow(flow: Record<string, unknown>): Record<string, unknown> {
  return { ...flow, time: protoTime(flow.time as string) };
}

function service(root: grpc.GrpcObject, path: string): grpc.ServiceDefinition {
  let node: any = root;
  for (const p of path.split('.')) node = node[p];
  return node.service as grpc.ServiceDefinition;
}

export interface TestServer {
  port: number;
  close(): Promise<void>;
}

/** Starts a gRPC server on 127.0.0.1:0 with one server-streaming handler. */
export async function startServer(
  kind: 'hubble' | 'kubearmor',
  handler: (call: Writable) => void,
  credentials = grpc.ServerCredentials.createInsecure(),
): Promise<TestServer> {
  const server = new grpc.Server();
  if (kind === 'hubble') {
    const root = loadProtos(['observer.proto'], [join(defaultProtoDir(), 'hubble')]);
    server.addService(service(root, 'observer.Observer'), { GetFlows: handler });
  } else {
    const root = loadProtos(['kubearmor.proto'], [join(defaultProtoDir(), 'kubearmor')]);
    server.addService(service(root, 'feeder.LogService'), { WatchAlerts: handler });
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(p))));
  return {
    port,
    close: () => new Promise<void>((resolve) => { server.forceShutdown(); resolve(); }),
  };
}

/** Ends a server stream with an error status, as a restarting relay does. */
export function failStream(call: Writable, code = grpc.status.UNAVAILABLE): void {
  call.emit('error', { code, details: 'relay restarting' });
}

/** Silent logger for tests (collects warnings so tests can assert on reconnects). */
export function testLogger() {
  const warnings: object[] = [];
  return {
    warnings,
    logger: { debug() {}, info() {}, warn(o: object) { warnings.push(o); }, error(o: object) { warnings.push(o); } },
  };
}

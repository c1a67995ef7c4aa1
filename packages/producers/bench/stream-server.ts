/**
 * A loopback gRPC server for the throughput script, run as its own process so its encoding cost
 * does not share the client's thread. argv: hubble|kubearmor <count>. Prints the port, then
 * streams `count` messages (fixture events with unique uuids) to each call.
 */
import { readFileSync } from 'node:fs';
import { startServer, toProtoFlow } from '../test/support/grpc-servers.ts';

const kind = process.argv[2] === 'kubearmor' ? 'kubearmor' : 'hubble';
const count = Number(process.argv[3] ?? 50_000);
const fx = (name: string) => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8');
const flows = fx('hubble-flows.jsonl').split('\n').filter(Boolean).slice(0, 5).map((l) => toProtoFlow(JSON.parse(l).flow));
const alerts = (JSON.parse(fx('kubearmor-alerts.json')) as Record<string, unknown>[]).slice(0, 4).map((a) => ({ ...a, Timestamp: String(a.Timestamp) }));

const server = await startServer(kind, (call) => {
  let i = 0;
  const pump = () => {
    while (i < count) {
      const m = kind === 'hubble' ? { flow: { ...flows[i % flows.length], uuid: `u${i}` } } : alerts[i % alerts.length];
      i++;
      if (!call.write(m)) return void call.once('drain', pump);
    }
  };
  pump();
});
console.log(server.port);
process.on('SIGTERM', () => { void server.close().then(() => process.exit(0)); });

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { z } from 'zod';
import { backoffSchema } from './backoff.ts';

/** TLS material for a gRPC peer, as file paths (mounted Secrets in a cluster). */
export const tlsSchema = z.strictObject({
  /** CA bundle that signed the server certificate; system CAs when absent. */
  caFile: z.string().min(1).optional(),
  /** Client certificate and key for mutual TLS (both or neither). */
  certFile: z.string().min(1).optional(),
  keyFile: z.string().min(1).optional(),
  /** Name to verify in the server certificate when it differs from the address host (e.g. `*.hubble-relay.cilium.io`). */
  serverName: z.string().min(1).optional(),
}).refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), {
  message: 'certFile and keyFile must be given together', path: ['certFile'],
});

export type TlsConfig = z.infer<typeof tlsSchema>;

/** Connection fields shared by the Hubble and KubeArmor producers. */
export const grpcConnectionFields = {
  /** `host:port`; a `tls://` prefix (as the Hubble CLI and the publisher accept it) means TLS. */
  address: z.string().trim().min(1),
  /** Plaintext gRPC. Must be chosen explicitly: the default is TLS with verification. */
  insecure: z.boolean().default(false),
  tls: tlsSchema.optional(),
  /**
   * Keepalive ping interval. KubeArmor (and grpc-go servers by default) answer pings more
   * frequent than every 5 minutes with GOAWAY too_many_pings, hence the floor.
   */
  keepaliveSeconds: z.number().int().min(300).default(300),
  backoff: backoffSchema.default(backoffSchema.parse({})),
};

export interface GrpcConnection {
  address: string;
  insecure: boolean;
  tls?: TlsConfig;
  keepaliveSeconds: number;
}

/** Rejects `insecure: true` together with TLS settings instead of silently picking one. */
export function checkConnection(c: { address: string; insecure: boolean; tls?: TlsConfig }, ctx: z.RefinementCtx): void {
  if (c.insecure && (c.tls !== undefined || c.address.startsWith('tls://'))) {
    ctx.addIssue({ code: 'custom', message: 'insecure (plaintext) cannot be combined with tls or a tls:// address', path: ['insecure'] });
  }
}

/** The target and credentials for a connection; reads the TLS files once. */
export function connectionTarget(c: GrpcConnection): { target: string; credentials: grpc.ChannelCredentials; options: grpc.ChannelOptions } {
  const target = c.address.replace(/^tls:\/\//, '');
  const options: grpc.ChannelOptions = {
    'grpc.keepalive_time_ms': c.keepaliveSeconds * 1000,
    'grpc.keepalive_timeout_ms': 20_000,
    // Flows can carry long label lists; allow larger messages than the 4 MiB default.
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
  };
  if (c.insecure) return { target, credentials: grpc.credentials.createInsecure(), options };
  const t = c.tls ?? {};
  if (t.serverName) options['grpc.ssl_target_name_override'] = t.serverName;
  const credentials = grpc.credentials.createSsl(
    t.caFile ? readFileSync(t.caFile) : null,
    t.keyFile ? readFileSync(t.keyFile) : null,
    t.certFile ? readFileSync(t.certFile) : null,
  );
  return { target, credentials, options };
}

/** The repository's proto/ folder (Docket's own minimal .proto files). */
export function defaultProtoDir(): string {
  return fileURLToPath(new URL('../../../../proto/', import.meta.url));
}

/**
 * Loads .proto files at runtime (no codegen): original field names as in Hubble's JSON, enums
 * as names, 64-bit integers as strings, proto3 defaults filled in, and the name of the set
 * field of each oneof.
 */
export function loadProtos(files: readonly string[], includeDirs: readonly string[]): grpc.GrpcObject {
  const definition = protoLoader.loadSync([...files], {
    keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [...includeDirs],
  });
  return grpc.loadPackageDefinition(definition);
}

/** Looks `pkg.Service` up in a loaded package, typed as a client constructor. */
export function serviceClient(root: grpc.GrpcObject, path: string): grpc.ServiceClientConstructor {
  let node: unknown = root;
  for (const part of path.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'function') throw new Error(`gRPC service ${path} not found in the loaded protos`);
  return node as grpc.ServiceClientConstructor;
}

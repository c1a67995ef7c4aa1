import { parse } from 'yaml';

/**
 * Reads the data of a Kubernetes Secret, already base64-decoded. Injected so that config loading
 * stays testable; `createKubeSecretReader` is the real one.
 */
export type SecretReader = (name: string, namespace: string) => Promise<Record<string, string>>;

/** Reads a text file (a `mountedSecret`). */
export type FileReader = (path: string) => Promise<string>;

/**
 * Parses a `mountedSecret` file: a flat map of key: value, in YAML or JSON (Policy Reporter writes
 * JSON, which is YAML too). Scalars become strings; anything nested is an error.
 */
export function parseSecretFile(text: string): Record<string, string> {
  const data: unknown = parse(text);
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new Error('must hold a map of key: value');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) {
    if (v === null || typeof v === 'object') throw new Error(`key "${k}" must be a string, number or boolean`);
    out[k] = String(v);
  }
  return out;
}

/** Decodes a Secret's `data` (base64) and `stringData`; `stringData` wins as on the API server. */
export function decodeSecretData(secret: { data?: Record<string, string>; stringData?: Record<string, string> }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries(secret.stringData ?? {})) out[k] = v;
  return out;
}

/** Minimal view of client-node's CoreV1Api used here (v1.x takes one object argument). */
export interface SecretsApi {
  readNamespacedSecret(args: { name: string; namespace: string }): Promise<{ data?: Record<string, string>; stringData?: Record<string, string> }>;
}

/**
 * A {@link SecretReader} over a Kubernetes API: pass `kc.makeApiClient(CoreV1Api)` from
 * @kubernetes/client-node, or a function returning it, called on the first read only — so a
 * config without `secretRef` never needs a cluster (e.g. `() => loadKubeConfig({ inCluster: true })
 * .makeApiClient(CoreV1Api)` works outside a cluster too, until a Secret is actually needed).
 */
export function createKubeSecretReader(api: SecretsApi | (() => SecretsApi)): SecretReader {
  let client: SecretsApi | undefined = typeof api === 'function' ? undefined : api;
  return async (name, namespace) => {
    client ??= (api as () => SecretsApi)();
    return decodeSecretData(await client.readNamespacedSecret({ name, namespace }));
  };
}

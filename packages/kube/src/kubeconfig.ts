/**
 * Kubeconfig loading. The composition root decides where the configuration comes from (a file,
 * the in-cluster service account, or a plain URL in tests and for a local Docket) and hands the
 * resulting KubeConfig to the watch, writer and Lease clients.
 */
import { KubeConfig } from '@kubernetes/client-node';

export interface LoadKubeConfigOptions {
  /** Path of a kubeconfig file. */
  kubeconfig?: string;
  /** Context to use instead of the file's current-context. */
  context?: string;
  /** Use the pod's service account (token and CA under /var/run/secrets/kubernetes.io). */
  inCluster?: boolean;
  /** A plain API server URL (e.g. `http://127.0.0.1:8080` for a local Docket); no credentials. */
  server?: string;
}

/**
 * Builds a KubeConfig. Precedence: `server`, then `inCluster`, then `kubeconfig`, then
 * client-node's default lookup (KUBECONFIG, ~/.kube/config, in-cluster) — that last one reads the
 * environment inside the library, so a process that must not depend on it passes one of the others.
 */
export function loadKubeConfig(opts: LoadKubeConfigOptions = {}): KubeConfig {
  if (opts.server) return kubeConfigForServer(opts.server);
  const kc = new KubeConfig();
  if (opts.inCluster) kc.loadFromCluster();
  else if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
  else kc.loadFromDefault();
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name).join(', ') || 'none';
      throw new Error(`kubeconfig has no context "${opts.context}" (contexts: ${known})`);
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) throw new Error('kubeconfig selects no cluster (set current-context or pass a context)');
  // kubectl talks to an http:// server from a kubeconfig; client-node refuses unless TLS
  // verification is off, although plain http has nothing to verify (https:// keeps verification).
  kc.clusters = kc.clusters.map((c) => (c.server.startsWith('http://') && !c.skipTLSVerify ? { ...c, skipTLSVerify: true } : c));
  return kc;
}

/** A KubeConfig that talks to `server` without credentials (tests, or a loopback Docket). */
export function kubeConfigForServer(server: string): KubeConfig {
  const url = new URL(server); // throws on a malformed URL before any request is made
  const kc = new KubeConfig();
  kc.loadFromOptions({
    // client-node refuses http:// unless TLS verification is off; with plain http there is nothing
    // to verify, while an https:// server keeps full verification.
    clusters: [{ name: 'docket', server: url.origin + url.pathname.replace(/\/$/, ''), skipTLSVerify: url.protocol === 'http:' }],
    users: [{ name: 'anonymous' }],
    contexts: [{ name: 'docket', cluster: 'docket', user: 'anonymous' }],
    currentContext: 'docket',
  });
  return kc;
}

/** The API server URL a KubeConfig points at (for logs and metric labels). */
export function serverOf(kc: KubeConfig): string {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig selects no cluster');
  return cluster.server;
}

/**
 * The environment variables bakito/policy-report-publisher really reads (its README names
 * different ones), translated into Docket producer config input. Pure: the composition root
 * passes `process.env` in and merges the result under the YAML file's values.
 */
export interface PublisherEnvSettings {
  /** Config input per producer type, to be validated with the producer's configSchema. */
  producers: { hubble?: Record<string, unknown>; kubearmor?: Record<string, unknown> };
  /** LOG_REPORTS=true: log every raw source event (the publisher printed them to stderr). */
  logReports: boolean;
  /** LEADER_ELECTION_NAMESPACE: hold a Lease in this namespace before writing. */
  leaderElectionNamespace?: string;
}

const blank = (v: string | undefined): v is undefined => v === undefined || v.trim() === '';
const truthy = (v: string | undefined) => (v ?? '').trim().toLowerCase() === 'true';

/**
 * HUBBLE_SERVICE (non-blank enables Hubble; `tls://` prefix allowed), HUBBLE_INSECURE (`true` →
 * plaintext), KUBE_ARMOR_SERVICE (non-blank enables KubeArmor; the publisher only spoke
 * plaintext, so it stays plaintext), LOG_REPORTS, LEADER_ELECTION_NAMESPACE.
 *
 * One deliberate difference: without HUBBLE_INSECURE the publisher used TLS *without verifying
 * the server*; Docket verifies against the system CAs unless `tls.caFile` is configured.
 */
export function fromPublisherEnv(env: Readonly<Record<string, string | undefined>>): PublisherEnvSettings {
  const out: PublisherEnvSettings = { producers: {}, logReports: truthy(env.LOG_REPORTS) };
  if (!blank(env.HUBBLE_SERVICE)) {
    const insecure = truthy(env.HUBBLE_INSECURE);
    const address = env.HUBBLE_SERVICE.trim();
    // The publisher stripped `tls://` and let HUBBLE_INSECURE decide; do the same.
    out.producers.hubble = { address: insecure ? address.replace(/^tls:\/\//, '') : address, insecure };
  }
  if (!blank(env.KUBE_ARMOR_SERVICE)) out.producers.kubearmor = { address: env.KUBE_ARMOR_SERVICE.trim(), insecure: true };
  if (!blank(env.LEADER_ELECTION_NAMESPACE)) out.leaderElectionNamespace = env.LEADER_ELECTION_NAMESPACE.trim();
  return out;
}

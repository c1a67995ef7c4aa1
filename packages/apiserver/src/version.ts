/**
 * The `/version` document. The kubectl installed on these machines is a dispatcher that reads
 * `major`/`minor` from here and then runs its bundled kubectl of that minor (1.27–1.33), so this
 * answer decides which client talks to us.
 *
 * We claim 1.31: it is in the middle of the bundled range (so kubectl's ±1 minor skew policy
 * covers 1.30–1.32 clients too), it serves aggregated discovery apidiscovery.k8s.io/v2 (GA in
 * 1.30) and OpenAPI v3 (GA in 1.27), and every protocol feature Docket implements existed in it.
 */

/** The `version.Info` shape served at `GET /version`. */
export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** The Kubernetes minor version Docket's API claims to be. */
export const KUBE_MINOR = '31';

/**
 * Builds the `/version` body. `docketVersion` goes into gitVersion's suffix so `kubectl version`
 * shows which Docket answered; `platform` defaults to linux/amd64 because kubectl only prints it.
 */
export function versionInfo(opts: { docketVersion?: string; buildDate?: string; platform?: string } = {}): VersionInfo {
  const suffix = (opts.docketVersion ?? '0.1.0').replace(/[^0-9A-Za-z.-]/g, '-');
  return {
    major: '1',
    minor: KUBE_MINOR,
    gitVersion: `v1.${KUBE_MINOR}.0-docket.${suffix}`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: opts.buildDate ?? '1970-01-01T00:00:00Z',
    goVersion: 'node',
    compiler: 'tsx',
    platform: opts.platform ?? 'linux/amd64',
  };
}

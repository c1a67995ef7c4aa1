/**
 * Waits for the report API of the output group: a kube-apiserver without the CRDs answers 404 for
 * the collection, and every write would fail and drop its results. The Go publisher exited once in
 * that case; a publisher that waits recovers by itself when the CRDs are installed.
 */
import { NotFoundError } from '@docket/model';
import { sleep, toKubeError, type OutputGroup, type ReportClient } from '@docket/kube';

/** Null when the group's namespaced report collection answers (anything but 404), else why not. */
export async function probeReportApi(client: ReportClient, group: OutputGroup): Promise<string | null> {
  const [g, version] = group.split('/') as [string, string];
  const plural = g === 'openreports.io' ? 'reports' : 'policyreports';
  try {
    await client.list({ group: g, version, plural }, { limit: 1 });
    return null;
  } catch (e) {
    const err = toKubeError(e);
    // Forbidden or a server error still proves the resource exists (or is not ours to judge).
    if (!(err instanceof NotFoundError)) return null;
    return `${plural}.${g}/${version} is not served (install the CRDs, or point the sink at Docket)`;
  }
}

/** Probes until the API answers or `signal` aborts; `onWaiting` reports each failed probe. */
export async function waitForReportApi(
  client: ReportClient, group: OutputGroup, signal: AbortSignal, onWaiting: (why: string, attempt: number) => void, intervalMs = 10_000,
): Promise<void> {
  for (let attempt = 1; !signal.aborted; attempt++) {
    const why = await probeReportApi(client, group);
    if (why === null) return;
    onWaiting(why, attempt);
    await sleep(Math.min(intervalMs, 500 * 2 ** (attempt - 1)), signal);
  }
}

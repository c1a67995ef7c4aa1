import { request } from '../http.ts';
import type { SendContext, TargetDeps } from '../types.ts';

/** Posts the alert array; Alertmanager answers 200 with an empty body. */
export async function postAlerts(deps: TargetDeps, name: string, url: string, headers: Record<string, string>, alerts: object[], ctx: SendContext): Promise<void> {
  await request(deps, name, { url, body: alerts, headers }, ctx);
}

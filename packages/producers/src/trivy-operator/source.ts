import { watchReports } from '@docket/kube';
import type { Producer, ProducerDeps, SourceHooks, SourceState } from '../types.ts';
import { isSkip } from '../types.ts';
import { timestampFromMillis } from '../shared/time.ts';
import { toTrivyOperatorResults } from '../trivy/operator.ts';
import { TRIVY_OPERATOR_KINDS, type TrivyOperatorConfig } from './config.ts';

const STATE: Record<string, SourceState> = { listing: 'connecting', watching: 'streaming', backoff: 'backoff', stopped: 'stopped' };

/**
 * Lists and watches each configured trivy-operator collection (resume by resourceVersion, relist on
 * 410, backoff; @docket/kube's watch) and maps every added or changed object. A changed report is
 * mapped as a whole again: unchanged findings count one more sighting, fixed ones age out by TTL.
 */
export function createTrivyOperatorSource(config: TrivyOperatorConfig, deps: ProducerDeps): Producer {
  return {
    type: 'trivy-operator',
    async run(hooks: SourceHooks, signal: AbortSignal): Promise<void> {
      const kc = deps.kube;
      if (!kc) throw new Error('the trivy-operator producer needs a Kubernetes API to read reports from (cluster or an API sink)');
      await Promise.all(config.kinds.map((kind) => {
        const plural = TRIVY_OPERATOR_KINDS[kind];
        const namespace = kind.startsWith('Cluster') ? undefined : config.namespace;
        return watchReports({
          kc, group: 'aquasecurity.github.io', version: 'v1alpha1', plural, ...(namespace ? { namespace } : {}),
          ...(config.labelSelector ? { labelSelector: config.labelSelector } : {}), signal,
          onState: (s, detail) => hooks.onState?.(STATE[s] ?? 'connecting', detail),
          onEvent: (ev) => {
            if (ev.type === 'DELETED') return;
            // Objects read from the API carry their kind only in the list, not per item: set it from the collection.
            const object = { ...ev.object, kind: (ev.object as { kind?: string }).kind || kind };
            for (const o of toTrivyOperatorResults(object, timestampFromMillis(deps.now()))) {
              if (isSkip(o)) hooks.onSkip?.(o);
              else hooks.onResult({ ...o, reportKey: { ...o.reportKey, producer: 'trivy-operator' } });
            }
          },
        });
      }));
    },
  };
}

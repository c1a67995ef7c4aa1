import type { ProducerDefinition } from './types.ts';
import { hubbleProducer } from './hubble/index.ts';
import { kubearmorProducer } from './kubearmor/index.ts';
import { falcoProducer } from './falco/index.ts';
import { trivyProducer } from './trivy/index.ts';
import { kubeBenchProducer } from './kube-bench/index.ts';
import { kyvernoProducer } from './kyverno/index.ts';
import { trivyOperatorProducer } from './trivy-operator/index.ts';

/** Every producer, keyed by its type (= config key, folder name, metric label). One line per producer. */
export const producerRegistry: Readonly<Record<string, ProducerDefinition<any>>> = Object.freeze({
  hubble: hubbleProducer,
  kubearmor: kubearmorProducer,
  falco: falcoProducer,
  trivy: trivyProducer,
  'kube-bench': kubeBenchProducer,
  kyverno: kyvernoProducer,
  'trivy-operator': trivyOperatorProducer,
});

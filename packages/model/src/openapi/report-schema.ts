/**
 * The structural OpenAPI v3 schema of every report CRD version, with descriptions written for
 * `kubectl explain`. Kept in step with the zod schemas by test/openapi-drift.test.ts.
 */
import { RESULT_STATUSES, SEVERITIES } from '../types.ts';
import type { ResourceType } from '../resources.ts';
import { wireShapeOf, type WireShape } from '../schemas/report.ts';
import { bool, int, list, obj, oneOf, str, strMap, type JsonSchemaProps } from './builders.ts';

const objectReference = (description: string): JsonSchemaProps => ({
  ...obj(description, {
    apiVersion: str('API version of the referenced object, e.g. v1 or apps/v1.'),
    kind: str('Kind of the referenced object, e.g. Pod.'),
    name: str('Name of the referenced object.'),
    namespace: str('Namespace of the referenced object; empty for cluster-scoped objects.'),
    uid: str('UID of the referenced object, pinning one incarnation of it.'),
    resourceVersion: str('Resource version of the referenced object the finding was made against, if any.'),
    fieldPath: str('Path to a part of the referenced object, e.g. spec.containers{app}.'),
  }),
  'x-kubernetes-map-type': 'atomic',
});

const labelSelector = (description: string): JsonSchemaProps => ({
  ...obj(description, {
    matchLabels: strMap('Labels an object must carry, key by key (ANDed with matchExpressions).'),
    matchExpressions: list('Set-based requirements an object must meet; all of them must match.', obj(
      'One requirement: a label key, an operator and, for In/NotIn, the values.',
      {
        key: str('The label key the requirement applies to.'),
        operator: oneOf('How the key relates to the values.', ['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: list('Values for In and NotIn; must be empty for Exists and DoesNotExist.', { type: 'string' }),
      },
      ['key', 'operator'],
    )),
  }),
  'x-kubernetes-map-type': 'atomic',
});

const summary = obj('Counts of results by outcome. Docket recomputes them from results on every write.', {
  pass: int('Number of results that passed.'),
  fail: int('Number of results that failed.'),
  warn: int('Number of results that failed but are not scored (warnings).'),
  error: int('Number of results whose check could not be evaluated.'),
  skip: int('Number of results that were skipped (the check did not apply).'),
});

const OUTCOME = 'Outcome of the check: pass (met), fail (not met), warn (not met, not scored), error (could not be evaluated), skip (did not apply).';

function resultSchema(shape: WireShape): JsonSchemaProps {
  const common: Record<string, JsonSchemaProps> = {
    policy: str('Name of the policy (or check, or vulnerability id) that produced this result. Required; may be empty.'),
    rule: str('Name of the rule within the policy, when the policy has several.'),
    category: str('Free-form grouping of the policy, e.g. "Pod Security Standards (Baseline)".'),
    scored: bool('Whether this result counts towards a score; unscored failures are usually reported as warn.'),
    message: str('Human-readable explanation of the result.'),
    resources: list('The objects this result is about. If empty and no resourceSelector is set, the result applies to the report scope.', objectReference('A reference to one object the result is about.')),
    resourceSelector: labelSelector('Selects the objects this result is about by label, instead of listing them in resources.'),
  };
  if (shape === 'v1alpha1') {
    return obj('One finding of a policy engine or scanner.', {
      ...common,
      severity: oneOf('How serious a failure of this check is.', ['high', 'low', 'medium']),
      status: oneOf(OUTCOME, RESULT_STATUSES),
      data: strMap('Extra string key/value pairs the producer attaches to the result.'),
    }, ['policy']);
  }
  return obj('One finding of a policy engine or scanner.', {
    ...common,
    severity: oneOf('How serious a failure of this check is.', SEVERITIES),
    result: oneOf(OUTCOME, RESULT_STATUSES),
    properties: strMap('Extra string key/value pairs the producer attaches to the result (e.g. resultID, CVE links).'),
    source: str('The engine or tool that produced this result; overrides the report-level source.'),
    timestamp: obj('When the result was produced, as seconds and nanoseconds since the Unix epoch.', {
      seconds: int('Whole seconds since 1970-01-01T00:00:00Z.'),
      nanos: int('Non-negative fraction of a second in nanoseconds, 0 to 999,999,999.', 'int32', 0),
    }, ['nanos', 'seconds']),
  }, ['policy']);
}

function reportSchema(shape: WireShape, kind: string): JsonSchemaProps {
  const props: Record<string, JsonSchemaProps> = {
    apiVersion: str('Versioned schema of this representation of the object.'),
    kind: str(`The REST resource this object represents: ${kind}.`),
    metadata: { type: 'object', description: 'Standard object metadata: name, namespace, labels, annotations, owners.' },
    scope: objectReference('The single object this report is about (Kyverno writes one report per resource). Set scope or scopeSelector, not both.'),
    scopeSelector: labelSelector('Selects the objects this report is about by label. Set scope or scopeSelector, not both.'),
    summary,
    results: list('The findings in this report.', resultSchema(shape)),
  };
  if (shape === 'hub') {
    props.source = str('The engine or tool that produced this report, e.g. kyverno or kube-bench; a result-level source overrides it.');
    props.configuration = obj('Settings the producer applied when writing this report.', {
      limits: obj('Limits on what the report holds.', {
        maxResults: int('Maximum number of results the report holds.', 'int32', 0),
        statusFilter: list('Only results with these outcomes are included.', oneOf('An outcome to include.', RESULT_STATUSES)),
      }),
    }, ['limits']);
  }
  const what = kind.startsWith('Cluster') ? 'cluster-scoped objects or the cluster itself' : 'objects in one namespace';
  return obj(`${kind} holds the results of policy and security checks for ${what}.`, props);
}

/** The `openAPIV3Schema` of `resource` served in `version`. */
export function openApiSchema(resource: Pick<ResourceType, 'group' | 'kind'>, version: string): JsonSchemaProps {
  return reportSchema(wireShapeOf(resource.group, version), resource.kind);
}

/** A kubectl printer column, as in a CRD's `additionalPrinterColumns`. */
export interface PrinterColumn {
  name: string;
  type: 'integer' | 'string' | 'date';
  jsonPath: string;
  priority?: number;
  description?: string;
}

/** The columns every report CRD declares: `kubectl get polr` shows NAME PASS FAIL WARN ERROR SKIP AGE. */
export const printerColumns: readonly PrinterColumn[] = Object.freeze([
  { name: 'Kind', type: 'string', jsonPath: '.scope.kind', priority: 1 },
  { name: 'Name', type: 'string', jsonPath: '.scope.name', priority: 1 },
  { name: 'Pass', type: 'integer', jsonPath: '.summary.pass' },
  { name: 'Fail', type: 'integer', jsonPath: '.summary.fail' },
  { name: 'Warn', type: 'integer', jsonPath: '.summary.warn' },
  { name: 'Error', type: 'integer', jsonPath: '.summary.error' },
  { name: 'Skip', type: 'integer', jsonPath: '.summary.skip' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
]);

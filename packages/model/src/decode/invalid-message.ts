import type { FieldCause } from '../errors.ts';
import type { ResourceType } from '../resources.ts';

/**
 * The message of an Invalid error as the apiserver writes it:
 * `PolicyReport.wgpolicyk8s.io "name" is invalid: results[0].result: Unsupported value: ...`;
 * several causes are listed in brackets, comma-separated, like a Kubernetes error aggregate.
 */
export function invalidMessage(resource: Pick<ResourceType, 'kind' | 'group'>, name: string | undefined, causes: readonly FieldCause[]): string {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const list = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return `${resource.kind}.${resource.group} "${name ?? ''}" is invalid: ${list}`;
}

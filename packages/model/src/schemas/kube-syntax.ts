/**
 * Syntax rules the Kubernetes apiserver applies to object metadata (names, label keys and
 * values, qualified names). Each check returns `undefined` when the value is fine, or a short
 * detail string saying what is wrong; callers wrap it into a `FieldCause`.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** RFC 3339 date-time as Kubernetes writes `metav1.Time` (fraction and offset optional forms). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Total size allowed for all annotation keys and values of one object (256 KiB). */
export const ANNOTATIONS_SIZE_LIMIT = 256 * 1024;

export function checkDnsSubdomain(value: string): string | undefined {
  if (value.length > 253) return 'must be no more than 253 characters';
  if (!DNS_SUBDOMAIN.test(value)) {
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

export function checkDnsLabel(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!DNS_LABEL.test(value)) {
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/**
 * `generateName` is a prefix: the server appends random characters, so a trailing dash is
 * fine. Checked like a name with the trailing dash masked, as the apiserver does.
 */
export function checkGenerateName(value: string): string | undefined {
  return checkDnsSubdomain(value.endsWith('-') ? `${value.slice(0, -1)}a` : value);
}

/** A qualified name: `[prefix/]name`, prefix a DNS subdomain, name at most 63 characters. */
export function checkQualifiedName(value: string): string | undefined {
  const parts = value.split('/');
  let name = value;
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) return 'prefix part must be non-empty';
    const bad = checkDnsSubdomain(prefix);
    if (bad) return `prefix part ${bad}`;
  } else if (parts.length > 2) {
    return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'";
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME_PART.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

export function checkLabelValue(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!LABEL_VALUE.test(value)) {
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

export function checkTimestamp(value: string): string | undefined {
  return RFC3339.test(value) ? undefined : 'must be an RFC 3339 date-time, e.g. 2024-01-02T15:04:05Z';
}

/** Size of all annotations in bytes (UTF-8), computed cheaply when clearly under the limit. */
export function annotationsSize(annotations: Record<string, string>): number {
  let chars = 0;
  for (const k in annotations) chars += k.length + (annotations[k]?.length ?? 0);
  // A UTF-16 unit never takes more than 3 UTF-8 bytes, so short maps need no exact count.
  if (chars * 3 <= ANNOTATIONS_SIZE_LIMIT) return chars;
  let bytes = 0;
  const enc = new TextEncoder();
  for (const k in annotations) bytes += enc.encode(k).length + enc.encode(annotations[k] ?? '').length;
  return bytes;
}

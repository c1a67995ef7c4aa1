/**
 * Annotation in which lower API versions carry the hub fields they cannot hold (see
 * conversion.ts). It is never stored: decode consumes it on every write.
 */
export const CONVERSION_ANNOTATION = 'docket.dev/conversion-data';

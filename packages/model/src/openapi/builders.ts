/**
 * Tiny builders for structural OpenAPI v3 schemas (the `openAPIV3Schema` of a CRD version).
 * Every node carries a `type` and a description so `kubectl explain` has something to say.
 */

/** The subset of apiextensions `JSONSchemaProps` Docket's CRDs use. */
export interface JsonSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  format?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  required?: string[];
  properties?: Record<string, JsonSchemaProps>;
  additionalProperties?: JsonSchemaProps;
  items?: JsonSchemaProps;
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

export const str = (description: string): JsonSchemaProps => ({ type: 'string', description });
export const bool = (description: string): JsonSchemaProps => ({ type: 'boolean', description });
export const int = (description: string, format: 'int32' | 'int64' = 'int64', min?: number): JsonSchemaProps =>
  min === undefined ? { type: 'integer', format, description } : { type: 'integer', format, minimum: min, description };
export const oneOf = (description: string, values: readonly string[]): JsonSchemaProps => ({ type: 'string', enum: [...values], description });
export const strMap = (description: string): JsonSchemaProps => ({ type: 'object', additionalProperties: { type: 'string' }, description });
export const list = (description: string, items: JsonSchemaProps): JsonSchemaProps => ({ type: 'array', items, description });
export function obj(description: string, properties: Record<string, JsonSchemaProps>, required?: string[]): JsonSchemaProps {
  return required ? { type: 'object', description, properties, required } : { type: 'object', description, properties };
}

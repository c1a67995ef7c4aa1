/** Patch mechanics: RFC 7386 merge patch, RFC 6902 JSON patch, server-side apply and managedFields. */
export { applyMergePatch } from './merge-patch.ts';
export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.ts';
export { serverSideApply, type ApplyInput, type ApplyResult } from './apply.ts';
export { recordUpdate, fieldManagerOf, FIELD_MANAGER_MAX_LENGTH, type UpdateInput } from './managed-fields.ts';
export { FieldSet, fieldSetOf, toFieldsV1, fromFieldsV1, pathString } from './field-set.ts';

/**
 * kubectl asks for `/openapi/v2` only as protobuf (gnostic `openapi.v2.Document`), for
 * client-side validation of `kind: List` files. Docket's schemas are served as OpenAPI v3 (and v2
 * JSON); in protobuf we answer a minimal but well-formed Document: `swagger` and `info`, no
 * definitions. kubectl then finds no client-side schema for the items and leaves validation to
 * the server (which validates strictly). Field numbers from gnostic's openapiv2/OpenAPIv2.proto:
 * Document.swagger = 1, Document.info = 2, Info.title = 1, Info.version = 2.
 */

/** The Content-Type of the answer: clients ask with `…spec.v2@v1.0+protobuf`, but '@' is not allowed in a media type, so kube answers with a dot. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) { out.push((n & 0x7f) | 0x80); n >>>= 7; }
  out.push(n);
  return out;
}

/** A length-delimited field (wire type 2). */
function field(num: number, payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([...varint((num << 3) | 2), ...varint(payload.length)]), payload]);
}

export function minimalOpenApiV2Protobuf(title: string, version: string): Buffer {
  const info = Buffer.concat([field(1, Buffer.from(title)), field(2, Buffer.from(version))]);
  return Buffer.concat([field(1, Buffer.from('2.0')), field(2, info)]);
}

/** Whether the Accept header prefers the protobuf document over JSON. */
export function wantsProtobuf(accept: string | undefined): boolean {
  const first = (accept ?? '').split(',')[0]?.split(';')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('application/com.github.proto-openapi.spec.v2');
}

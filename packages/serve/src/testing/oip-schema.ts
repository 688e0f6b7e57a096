import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Validators for the Open Inference Protocol's REST messages, compiled from the OpenAPI document shipped
 * unchanged in spec/open-inference-protocol/open_inference_rest.yaml (tests check every /v2 request and
 * response against it). Its `components.schemas` are registered with Ajv under OIP_ID, so their
 * `#/components/schemas/...` references resolve inside that one document.
 */

export const OIP_SPEC_PATH = fileURLToPath(
  new URL('../../spec/open-inference-protocol/open_inference_rest.yaml', import.meta.url),
);
export const OIP_ID = 'https://github.com/kserve/open-inference-protocol/open_inference_rest.yaml';

/** The parsed OpenAPI document. */
export interface OipDocument {
  readonly paths: Record<string, Record<string, OipOperation | unknown>>;
  readonly components: { readonly schemas: Record<string, unknown> };
}
interface OipOperation {
  readonly responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
  readonly requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
}

/** OpenAPI 3.0 `nullable: true` as JSON Schema (a `null` type beside the declared one); recursive. */
export function openApiToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(openApiToJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = openApiToJsonSchema(v);
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (out.$ref !== undefined || out.anyOf !== undefined)
      return { anyOf: [{ type: 'null' }, out] } as unknown;
  } else delete out.nullable;
  return out;
}

/** Every `x-...` extension key (and OpenAPI's `example`) in a schema tree, for Ajv to accept as annotations. */
function annotationKeys(node: unknown, keys: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const v of node) annotationKeys(v, keys);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith('x-') || k === 'example') keys.add(k);
      annotationKeys(v, keys);
    }
  }
  return keys;
}

let cached: { doc: OipDocument; ajv: Ajv } | undefined;

/** The document and an Ajv (strict, all errors) holding its component schemas under OIP_ID. */
export function oipSpec(): { doc: OipDocument; ajv: Ajv } {
  if (cached) return cached;
  const doc = parse(readFileSync(OIP_SPEC_PATH, 'utf8')) as OipDocument;
  const schemas = openApiToJsonSchema(doc.components.schemas) as Record<string, unknown>;
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);
  for (const k of annotationKeys(schemas, new Set())) ajv.addKeyword({ keyword: k, schemaType: [] });
  ajv.addKeyword({ keyword: 'components', schemaType: [] });
  ajv.addSchema({ $id: OIP_ID, components: { schemas } });
  cached = { doc, ajv };
  return cached;
}

/** The validator of one component schema, e.g. 'inference_response'. */
export function oipValidator(component: string): ValidateFunction {
  const { doc, ajv } = oipSpec();
  if (!(component in doc.components.schemas)) throw new Error(`no schema '${component}' in the OIP document`);
  const ref = `${OIP_ID}#/components/schemas/${component}`;
  const v = ajv.getSchema(ref);
  if (!v) throw new Error(`could not compile ${ref}`);
  return v;
}

/** `value` against a component schema: a list of Ajv's messages ([] when it conforms). */
export function oipErrors(component: string, value: unknown): string[] {
  const v = oipValidator(component);
  if (v(value)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`.trim());
}

/** The component schema the document names (by $ref) for one operation's response or request body. */
export function documentedSchema(
  path: string,
  method: string,
  what: { status: number } | 'request',
): string | undefined {
  const op = oipSpec().doc.paths[path]?.[method.toLowerCase()] as OipOperation | undefined;
  const content =
    what === 'request' ? op?.requestBody?.content : op?.responses?.[String(what.status)]?.content;
  const ref = content?.['application/json']?.schema?.$ref;
  return ref?.replace('#/components/schemas/', '');
}

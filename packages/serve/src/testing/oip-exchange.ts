import { rawRequest, type RawResponse } from './harness.ts';
import { documentedSchema, oipErrors, oipSpec } from './oip-schema.ts';

/**
 * Open Inference Protocol REST exchanges checked against the shipped OpenAPI document (oip-schema.ts):
 * the request body against the operation's requestBody schema, the response against the schema the
 * document gives its status, or the operation's error object for an error status.
 */

/** The document's path for a concrete /v2 path ('/v2/models/tiny/infer' -> its versions form), or undefined. */
export function oipPathOf(path: string): string | undefined {
  const p = path.split('?')[0]!;
  if (p === '/v2' || p === '/v2/') return '/v2/';
  if (p === '/v2/health/live' || p === '/v2/health/ready') return p;
  // The document spells only the `/versions/<version>` forms; the unversioned ones are the same
  // operations with the (optional) version left out (inference_rest.md, "HTTP/REST").
  const m = /^\/v2\/models\/[^/]+(?:\/versions\/[^/]+)?(\/ready|\/infer)?$/.exec(p);
  if (!m) return undefined;
  return `/v2/models/\${MODEL_NAME}/versions/\${MODEL_VERSION}${m[1] ?? ''}`;
}

/** The error object schema of an operation (the document's `*_error_response` for that kind of call). */
function errorSchema(docPath: string): string {
  if (docPath.endsWith('/infer')) return 'inference_error_response';
  if (docPath.startsWith('/v2/models/')) return 'metadata_model_error_response';
  return 'metadata_server_error_response';
}

export interface OipCheck {
  readonly response: RawResponse;
  /** The schema the response was validated against (undefined: the document gives its status no body). */
  readonly responseSchema: string | undefined;
  /** What did not conform: request and response messages from Ajv, and undocumented paths or statuses. */
  readonly problems: string[];
}

/** Sends a request to a running server and checks both sides against the OIP document. */
export async function oipExchange(
  port: number,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<OipCheck> {
  const problems: string[] = [];
  const docPath = oipPathOf(path);
  if (!docPath) problems.push(`${path} is not a path of the OIP document`);
  const op = docPath ? oipSpec().doc.paths[docPath]?.[method.toLowerCase()] : undefined;
  if (docPath && !op) problems.push(`${method} ${docPath} is not an operation of the OIP document`);
  if (docPath && op && method === 'POST') {
    const schema = documentedSchema(docPath, method, 'request');
    if (!schema) problems.push(`${method} ${docPath} documents no request body`);
    else for (const e of oipErrors(schema, body)) problems.push(`request: ${e}`);
  }
  const response = await rawRequest(
    port,
    method,
    path,
    typeof body === 'string' ? body : (body as object | undefined),
  );
  let responseSchema: string | undefined;
  if (docPath && op) {
    responseSchema =
      response.status < 400
        ? documentedSchema(docPath, method, { status: response.status })
        : (documentedSchema(docPath, method, { status: response.status }) ?? errorSchema(docPath));
    const documented = Object.keys((op as { responses?: object }).responses ?? {});
    if (response.status < 400 && !documented.includes(String(response.status)))
      problems.push(`status ${response.status} is not documented for ${method} ${docPath}`);
    if (responseSchema) {
      if (!String(response.headers['content-type']).startsWith('application/json'))
        problems.push(`content-type ${String(response.headers['content-type'])} is not application/json`);
      let json: unknown;
      try {
        json = response.json();
      } catch {
        problems.push('response body is not JSON');
      }
      for (const e of oipErrors(responseSchema, json)) problems.push(`response (${responseSchema}): ${e}`);
    }
  }
  return { response, responseSchema, problems };
}

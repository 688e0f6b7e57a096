/**
 * The one model-name rule, used by the server's registry and routes, the browser component, the web
 * mount's file routes, the OpenAPI document and the training config's `name`.
 *
 * A model name is one folder name under models/: lower/upper letters, digits, '.', '_' and '-', starting
 * with a letter or digit, at most 64 characters. No slashes, no '..', nothing that decodes into either:
 * a name is checked against this BEFORE it is joined to any path, and requests are only ever answered
 * from the registry's map of names it found by listing the folder itself.
 */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isValidModelName(name: string): boolean {
  return MODEL_NAME_PATTERN.test(name) && !name.includes('..');
}

/** The same rule as a JSON-Schema / OpenAPI `pattern` string. */
export const MODEL_NAME_PATTERN_SOURCE = MODEL_NAME_PATTERN.source;

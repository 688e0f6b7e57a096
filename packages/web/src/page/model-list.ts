/**
 * Model names from the server's `GET /v1/models` answer. Accepts `{ models: [...] }` or a bare array,
 * each item a name or an object with `name` (and an optional `status`: models that failed to load are
 * left out of the picker).
 */
export function modelNamesFromList(json: unknown): string[] {
  const items: unknown[] = Array.isArray(json)
    ? json
    : json !== null && typeof json === 'object' && Array.isArray((json as { models?: unknown }).models)
      ? (json as { models: unknown[] }).models
      : [];
  const names: string[] = [];
  for (const item of items) {
    if (typeof item === 'string') names.push(item);
    else if (item !== null && typeof item === 'object') {
      const { name, status } = item as { name?: unknown; status?: unknown };
      if (typeof name === 'string' && status !== 'failed') names.push(name);
    }
  }
  return names;
}

/**
 * The one rule by which a request names a class of a class-conditional model, shared by the server
 * (`class`, `classes`, the v2 class tensor) and the browser sampler (`label`, per-sample labels), which
 * each word their own error around it:
 *
 * - a number is a class index: an integer in [0, K);
 * - a string is a class name first, exactly as the card's `conditioning.classes` writes it, and only
 *   then, when it is a decimal whole number (no sign, no leading zero, spaces around allowed), an index:
 *   so `?class=7` and `label="7"` work, and on a model whose class "1" is listed second, "1" means that
 *   class and not index 1.
 *
 * Returns the class id, or undefined when `ref` names no class.
 */
export function classIdOf(classes: readonly string[], ref: unknown): number | undefined {
  if (typeof ref === 'number')
    return Number.isInteger(ref) && ref >= 0 && ref < classes.length ? ref : undefined;
  if (typeof ref !== 'string') return undefined;
  const named = classes.indexOf(ref);
  if (named >= 0) return named;
  const text = ref.trim();
  if (!/^(0|[1-9]\d*)$/.test(text)) return undefined;
  const id = Number(text);
  return id < classes.length ? id : undefined;
}

import { InvalidArgumentError } from 'commander';

/** Commander value parsers that reject bad values with a message naming the expected form (exit 2). */
export function integer(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`expected a whole number, got '${value}'`);
    }
    if (n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got ${n}`);
    return n;
  };
}

export function float(min = -Infinity, max = Infinity) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n))
      throw new InvalidArgumentError(`expected a number, got '${value}'`);
    if (n < min || n > max)
      throw new InvalidArgumentError(`expected a number from ${min} to ${max}, got ${n}`);
    return n;
  };
}

/** Collects a repeatable option (e.g. `--set a=1 --set b=2`) into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

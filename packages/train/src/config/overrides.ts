import { GanforgeError } from '@ganforge/core';
import YAML from 'yaml';

/** One `--set a.b=value` override: a dotted path and a value parsed as a YAML scalar (or flow list). */
export interface ConfigOverride {
  readonly path: readonly string[];
  readonly value: unknown;
}

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Parses `a.b=value`. `0.5` -> number, `true` -> boolean, `[64, 32]` -> array, `mlp` -> string. */
export function parseOverride(text: string): ConfigOverride {
  const eq = text.indexOf('=');
  const key = eq < 0 ? text : text.slice(0, eq).trim();
  if (eq < 0 || !PATH.test(key)) {
    throw new GanforgeError('bad_config', `--set '${text}': expected key.path=value`, {
      hint: 'e.g. --set optimizers.d.lr=0.0004 --set generator.hidden=[128,384]',
      status: 400,
      usage: true,
    });
  }
  const raw = text.slice(eq + 1).trim();
  let value: unknown;
  try {
    value = raw === '' ? '' : YAML.parse(raw);
  } catch (e) {
    throw new GanforgeError('bad_config', `--set '${text}': the value is not valid YAML`, {
      hint: 'quote strings that contain : or #',
      cause: e,
      usage: true,
    });
  }
  return { path: key.split('.'), value };
}

/** A copy of `config` with the override applied; intermediate objects are created as needed. */
export function applyOverride(config: unknown, override: ConfigOverride): Record<string, unknown> {
  const root: Record<string, unknown> =
    config !== null && typeof config === 'object' && !Array.isArray(config)
      ? structuredClone(config as Record<string, unknown>)
      : {};
  let node = root;
  override.path.forEach((key, i) => {
    if (i === override.path.length - 1) {
      node[key] = override.value;
      return;
    }
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  });
  return root;
}

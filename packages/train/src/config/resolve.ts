import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GanforgeError } from '@ganforge/core';
import YAML from 'yaml';
import { readRunConfig, RUN_FILES } from '@ganforge/runs';
import { configProblems } from './issues.ts';
import { parseWithOverrides } from './with-overrides.ts';
import { TrainConfigSchema, type TrainConfig } from './schema.ts';
import { describeField } from './suggest.ts';

/** Reads a YAML or JSON config file (JSON is YAML). An empty file is an empty config. */
export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new GanforgeError('config_not_found', `cannot read config file ${file}`, {
      hint: 'pass an existing .yaml or .json file, e.g. --config configs/dcgan-mnist.yaml',
      cause: e,
    });
  }
  let value: unknown;
  try {
    value = YAML.parse(text);
  } catch (e) {
    const line = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new GanforgeError('bad_config', `config file ${file} is not valid YAML/JSON: ${line}`, {
      hint: 'fix the syntax at the position shown',
      cause: e,
    });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new GanforgeError(
      'bad_config',
      `config file ${file} must hold a mapping of fields, not a ${Array.isArray(value) ? 'list' : typeof value}`,
      {
        hint: 'see configs/dcgan-mnist.yaml for the layout',
      },
    );
  }
  return value;
}

/**
 * Validates a raw config object. Throws GanforgeError('bad_config') naming every bad field: unknown
 * keys with a "did you mean", out-of-range values with the field path and the value given.
 */
export function parseTrainConfig(input: unknown, source = 'config'): TrainConfig {
  const result = TrainConfigSchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = configProblems(result.error.issues, input).map((p) => p.text);
  throw new GanforgeError('bad_config', `${source}: ${problems.join('; ')}`, {
    hint: 'ganforge train --print-config shows every field with its default',
  });
}

export interface ResolveConfigOptions {
  /** A YAML or JSON file; omitted = all defaults (the dcgan-mnist preset). */
  readonly file?: string | undefined;
  /** `key.path=value` overrides applied in order after the file. */
  readonly set?: readonly string[] | undefined;
}

/**
 * File + overrides -> validated config with every default filled in. A bad field is reported as coming
 * from the file (named) or from the --set that wrote it.
 */
export function resolveTrainConfig(options: ResolveConfigOptions = {}): TrainConfig {
  const base = options.file ? readConfigFile(options.file) : {};
  return parseWithOverrides(base, options.file ? `config file ${options.file}` : 'config', options.set ?? []);
}

/** The resolved config as YAML with each field's description as a comment, for --print-config. */
export function formatTrainConfig(config: TrainConfig): string {
  const doc = new YAML.Document(config);
  const annotate = (node: unknown, path: string[]): void => {
    if (!YAML.isMap(node)) return;
    for (const pair of node.items) {
      const key = YAML.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const text = describeField(TrainConfigSchema, [...path, key], config);
      if (text && YAML.isNode(pair.key)) pair.key.commentBefore = ` ${text}`;
      annotate(pair.value, [...path, key]);
    }
  };
  annotate(doc.contents, []);
  return doc.toString({ lineWidth: 0 });
}

/** The parsed config of a run folder (its config.json), or undefined when it has none. */
export function readRunTrainConfig(runDir: string | undefined): TrainConfig | undefined {
  const raw = readRunConfig(runDir);
  return raw === undefined || runDir === undefined
    ? undefined
    : parseTrainConfig(raw, join(runDir, RUN_FILES.config));
}

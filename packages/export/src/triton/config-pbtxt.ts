import type { TritonModelConfig, TritonTensorConfig } from './model-config.ts';

/** A protobuf text-format string literal: quotes, backslashes and control characters escaped (octal). */
export function quoteText(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function tensorBlock(t: TritonTensorConfig): string[] {
  return [
    '  {',
    `    name: ${quoteText(t.name)}`,
    `    data_type: ${t.data_type}`,
    `    dims: [ ${t.dims.join(', ')} ]`,
    ...(t.reshape ? [`    reshape: { shape: [ ${t.reshape.shape.join(', ')} ] }`] : []),
    '  }',
  ];
}

function tensorList(field: 'input' | 'output', tensors: readonly TritonTensorConfig[]): string[] {
  const blocks = tensors.map((t, i) => {
    const lines = tensorBlock(t);
    if (i < tensors.length - 1) lines[lines.length - 1] += ',';
    return lines;
  });
  return [`${field} [`, ...blocks.flat(), ']'];
}

/**
 * config.pbtxt: the configuration in protobuf text format, laid out as Triton's documentation writes it (lists in
 * brackets, dims on one line). The text parses as Triton's ModelConfig message (model_config.proto); the tests parse
 * it back with protobufjs against that file.
 */
export function formatConfigPbtxt(config: TritonModelConfig, comment?: string): string {
  const lines = [
    ...(comment === undefined ? [] : comment.split('\n').map((l) => `# ${l}`.trimEnd())),
    `name: ${quoteText(config.name)}`,
    `platform: ${quoteText(config.platform)}`,
    `max_batch_size: ${config.max_batch_size}`,
    ...tensorList('input', config.input),
    ...tensorList('output', config.output),
    'dynamic_batching {',
    `  max_queue_delay_microseconds: ${config.dynamic_batching.max_queue_delay_microseconds}`,
    '}',
  ];
  if (config.instance_group) {
    lines.push('instance_group [');
    config.instance_group.forEach((g, i) => {
      const last = i === (config.instance_group?.length ?? 0) - 1;
      lines.push('  {', `    count: ${g.count}`, `    kind: ${g.kind}`, last ? '  }' : '  },');
    });
    lines.push(']');
  }
  return `${lines.join('\n')}\n`;
}

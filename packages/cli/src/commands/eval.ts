import { Option } from 'commander';
import type { ConditionalEvaluation } from '@ganforge/eval';
import { float, integer } from '../options.ts';
import type { RegisterCommand } from './index.ts';

interface EvalFlags {
  evaluator: string;
  n: number;
  seed: number;
  k: number;
  reference: 'train' | 'test';
  step?: number;
  backend: 'auto' | 'wasm' | 'cpu' | 'tensorflow' | 'webgpu' | 'tensorflow-gpu';
  json: boolean;
  out: string;
  writeCard: boolean;
  truncation: number;
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(4));

/** The conditional section of the summary: overall numbers, then one row per class (or why it was skipped). */
export function conditionalLines(c: ConditionalEvaluation): string[] {
  const head = `conditional (${c.numClasses} classes, sample i generated for class i mod ${c.numClasses})`;
  if (c.skipped !== undefined || c.perClass === undefined) return [`${head}: skipped, ${c.skipped ?? ''}`];
  const width = Math.max(4, ...c.perClass.map((p) => p.name.length));
  return [
    `${head}:`,
    `  ${'accuracy'.padEnd(20)} ${fmt(c.accuracy ?? Number.NaN)}`,
    `  ${'meanFrechetDistance'.padEnd(20)} ${fmt(c.meanFrechetDistance ?? Number.NaN)}`,
    `  class ${'name'.padEnd(width)} samples accuracy frechetDistance`,
    ...c.perClass.map(
      (p) =>
        `  ${String(p.class).padEnd(5)} ${p.name.padEnd(width)} ${String(p.samples).padStart(7)} ` +
        `${p.accuracy.toFixed(4).padStart(8)} ${p.frechetDistance.toFixed(4).padStart(15)}`,
    ),
  ];
}

export const registerEval: RegisterCommand = (program) => {
  program
    .command('eval')
    .description(
      'Measure a generator against real images on an evaluator classifier: Fréchet distance, classifier score, ' +
        'class coverage/KL, precision/recall, density/coverage; for a class-conditional generator also ' +
        'conditional accuracy and per-class Fréchet distance (sample i is generated for class i mod classes)',
    )
    .argument(
      '<path>',
      'a model folder (model.onnx + card.json), a run folder (runs/<name>) or a checkpoint folder',
    )
    .option(
      '--evaluator <name>',
      "evaluator: 'auto' (the generator's dataset), mnist, fashion-mnist, or a folder",
      'auto',
    )
    .option('--n <n>', 'generated images (and as many reference images)', integer(10, 10000), 1000)
    .option('--seed <n>', 'latent seed (the reference subset uses it too)', integer(0, 0xffffffff), 0)
    .option('--k <n>', 'k of the k-NN manifolds (precision/recall, density/coverage)', integer(1, 100), 5)
    .addOption(
      new Option('--reference <split>', 'real images to compare with')
        .choices(['test', 'train'])
        .default('test'),
    )
    .option('--step <n>', 'run folders: evaluate the checkpoint at this step (default: latest)', integer(0))
    .addOption(
      new Option('--backend <name>', 'run folders: tfjs backend for the generator')
        .choices(['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'])
        .default('auto'),
    )
    .option(
      '--truncation <t>',
      'draw the latents with the truncation trick, as `ganforge sample --truncation` does (0 = off); ' +
        'recorded in the protocol, not written to a card or a run',
      float(0, 10),
      0,
    )
    .option('--json', 'print the result as JSON', false)
    .option('--out <file>', "also write the result as JSON to this file ('' = don't)", '')
    .option('--write-card', "model folders: store the metrics and protocol in card.json's evaluation", false)
    .action(async (path: string, flags: EvalFlags) => {
      const { evaluateGenerator } = await import('@ganforge/eval');
      const { writeFileAtomic } = await import('@ganforge/runs');
      const result = await evaluateGenerator({
        path,
        evaluator: flags.evaluator,
        n: flags.n,
        seed: flags.seed,
        k: flags.k,
        referenceSplit: flags.reference,
        backend: flags.backend,
        writeCard: flags.writeCard,
        ...(flags.truncation > 0 ? { truncation: flags.truncation } : {}),
        ...(flags.step !== undefined ? { step: flags.step } : {}),
      });
      const text = `${JSON.stringify(result, null, 2)}\n`;
      if (flags.out !== '') writeFileAtomic(flags.out, text);
      if (flags.json) {
        process.stdout.write(text);
        return;
      }
      const p = result.protocol;
      const lines = [
        `${result.source.kind} ${result.source.name}${result.source.step !== undefined ? ` (step ${result.source.step})` : ''}: ` +
          `${p.samples} samples vs ${p.reference.count} ${p.reference.dataset} ${p.reference.split} images, ` +
          `evaluator ${p.evaluator.name} (${p.evaluator.sha256.slice(0, 12)}), seed ${p.seed}, k ${p.k}` +
          (p.truncation !== undefined ? `, truncation ${p.truncation}` : ''),
        ...Object.entries(result.metrics).map(([name, v]) => `  ${name.padEnd(16)} ${fmt(v)}`),
        ...(result.conditional !== undefined ? conditionalLines(result.conditional) : []),
      ];
      if (result.cardUpdated) lines.push(`  card.json evaluation updated`);
      if (result.recorded !== undefined)
        lines.push(
          `  recorded in ${result.recorded} (ganforge report shows it; ganforge export puts it in the card)`,
        );
      if (flags.out !== '') lines.push(`  wrote ${flags.out}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
};
